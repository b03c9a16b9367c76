package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Message;

/** Told when a downstream acknowledged a message end to end. Called on the edge's event loop. */
@FunctionalInterface
public interface AckListener {

  /**
   * @param message the message as it was offered
   * @param attachment what was offered with it
   */
  void acked(Message message, Object attachment);
}
