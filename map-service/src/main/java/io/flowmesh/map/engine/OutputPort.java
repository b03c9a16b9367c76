package io.flowmesh.map.engine;

import io.flowmesh.runtime.edge.EdgeMessage;

/**
 * Where the engine puts outputs. Each output is later acked downstream, which the port reports
 * back with {@link MapEngine#onOutputsAcked}, on the engine's event loop.
 */
public interface OutputPort {

  /** Hands one output of {@code from} downstream. */
  void emit(Element from, EdgeMessage output);

  /** The engine's output watermark, reported after emits and on a timer. */
  void watermark(long watermark);
}
