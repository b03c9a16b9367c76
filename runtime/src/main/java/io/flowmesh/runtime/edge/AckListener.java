package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import java.util.List;

/** Told when a downstream acknowledged a message end to end. Called on the edge's event loop. */
@FunctionalInterface
public interface AckListener {

  /**
   * @param message the message as it was offered
   * @param attachment what was offered with it
   * @param reply for a message marked {@code serve}, its answer: what the sinks produced from it,
   *     merged over every copy (fan-out) and capped ({@link MergedReply}); empty when nothing was
   *     produced (a map dropped it, no edge took it). Null for a plain message, for a marked one
   *     acked by a peer that sends no replies, and for a message handed back unsent
   *     ({@link EdgeServer#takeQueued}).
   */
  void acked(EdgeMessage message, Object attachment, List<ReplyOutput> reply);
}
