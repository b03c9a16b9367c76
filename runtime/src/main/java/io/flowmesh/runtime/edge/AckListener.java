package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import java.util.List;

/** Told when a downstream acknowledged a message end to end. Called on the edge's event loop. */
@FunctionalInterface
public interface AckListener {

  /**
   * @param message the message as it was offered
   * @param attachment what was offered with it
   */
  void acked(Message message, Object attachment);

  /**
   * The same, with the answer for a message marked {@code serve}: what the sinks produced from it,
   * merged over every copy (fan-out); empty when nothing was produced (a map dropped it, no edge
   * took it); null for a plain message, or a marked one acked by a peer that sends no replies.
   * By default it forgets the reply; a listener that serves answers overrides it.
   */
  default void acked(Message message, Object attachment, List<ReplyOutput> reply) {
    acked(message, attachment);
  }
}
