package io.flowmesh.sink.engine;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.ReplyFailures;
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
    EdgeMessage m = d.message();
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

  /**
   * Acks {@code d}, a duplicate of a message already written or being written (dedupe window): a
   * serving message is answered as the first was when {@code memory} holds that (null: this sink's
   * writer serves nothing, so the message written is the answer), else with a failure reply.
   */
  static void duplicate(EdgeSubscriber from, Delivery d, String vertex, ServedMemory memory) {
    EdgeMessage m = d.message();
    if (!m.getServe() || memory == null) {
      written(from, d, vertex, null);
      return;
    }
    Object first = memory.answer(m.getId());
    if (first instanceof ByteString b) {
      written(from, d, vertex, b);
    } else if (first == ServedMemory.NOT_SERVED) {
      written(from, d, vertex, null);
    } else {
      from.ack(d, ReplyFailures.of(m.getId(), vertex, "a duplicate of a message this sink already wrote (sink.dedupe-window);"
          + " the user-defined sink's answer to the first is no longer held here (the last " + ServedMemory.MAX_ENTRIES
          + " are), so it cannot be given again"));
    }
  }

  /**
   * Settles {@code d}, a copy that arrived while its first was being written, as that first ended
   * ({@code first}, from {@link InFlightIds#settleCopy}): written — acked as a {@link #duplicate};
   * dropped — dropped with the same failure; nacked (or not ended) — nacked, so it comes back and is
   * written then, and its caller never gets an answer for a message that was not written.
   */
  static void copy(EdgeSubscriber from, Delivery d, String vertex, ServedMemory memory, Object first) {
    if (first == InFlightIds.WRITTEN) {
      duplicate(from, d, vertex, memory);
    } else if (first instanceof InFlightIds.Dropped dropped) {
      dropped(from, d, vertex, dropped.why());
    } else if (first instanceof InFlightIds.Nacked nacked) {
      from.nack(d, "a copy of a message whose write failed and was nacked (" + nacked.reason() + ")");
    } else {
      from.nack(d, "a copy of a message whose write has not ended");
    }
  }

  /**
   * Acks {@code d}, not written (dropped after a failed write, {@code sink.on-failure=drop}): a serving
   * message's reply is a failure naming {@code why}, so its caller gets 502, not an empty answer.
   */
  static void dropped(EdgeSubscriber from, Delivery d, String vertex, String why) {
    EdgeMessage m = d.message();
    if (!m.getServe()) {
      from.ack(d);
      return;
    }
    from.ack(d, ReplyFailures.of(m.getId(), vertex, "the sink write failed and it was dropped (sink.on-failure=drop): " + why));
  }
}
