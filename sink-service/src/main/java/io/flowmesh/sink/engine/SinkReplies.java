package io.flowmesh.sink.engine;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import java.util.List;

/**
 * The sink's answer for a message marked serve, sent home on its ack: what was written (id, value,
 * keys, tags, this sink vertex's name), or a user-defined sink's SERVE response in its place. A plain
 * message is acked as before, with nothing built.
 *
 * <h2>Concurrency</h2>
 * Stateless; called on the sink verticle's event loop.
 */
final class SinkReplies {

  private SinkReplies() {
  }

  /** Acks {@code d}, written; {@code served} is the udsink's SERVE response for it, or null. */
  static void written(EdgeSubscriber from, Delivery d, String vertex, ByteString served) {
    Message m = d.message();
    if (!m.getServe()) {
      from.ack(d);
      return;
    }
    ReplyOutput.Builder o = ReplyOutput.newBuilder().setId(m.getId()).setVertex(vertex);
    if (served != null) {
      o.setValue(served).setServed(true);
    } else {
      o.setValue(m.getValue()).addAllKeys(m.getKeysList()).addAllTags(m.getTagsList());
    }
    from.ack(d, List.of(o.build()));
  }

  /** Acks {@code d}, not written (dropped after a failed write): a serving message gets an empty answer. */
  static void dropped(EdgeSubscriber from, Delivery d) {
    from.ack(d, List.of());
  }
}
