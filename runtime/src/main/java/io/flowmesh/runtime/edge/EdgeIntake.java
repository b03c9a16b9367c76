package io.flowmesh.runtime.edge;

/**
 * A stage between what producers {@linkplain EdgeServer#offer offer} an {@link EdgeServer} and its
 * queue (the source transformer); see {@link EdgeServer#intake(EdgeIntake)}. It puts its outputs in
 * the queue with {@link EdgeServer#enqueue}.
 *
 * <p>Concurrency: called on the edge server's event loop only.
 */
public interface EdgeIntake {

  /** Takes {@code m}; false when the stage is full. */
  boolean offer(io.flowmesh.runtime.edge.EdgeMessage m, Object attachment);

  /** How many more messages the stage takes now. */
  long room();

  /** After each dispatch: the queue may have room for what the stage holds. */
  default void pull() {
  }
}
