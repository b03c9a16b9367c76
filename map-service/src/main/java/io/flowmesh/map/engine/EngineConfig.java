package io.flowmesh.map.engine;

import java.time.Duration;

/**
 * The engine's settings.
 *
 * @param concurrency permits: most elements in the UDF at once
 * @param batchMode batch-map instead of unary map
 * @param batchSize elements per batch (batch mode)
 * @param batchTimeout longest wait to fill a batch (batch mode)
 * @param keyOrdering one element per key in flight, per-key order kept
 * @param outputCapacity most outputs handed downstream and not yet acked; dispatch pauses at it
 * @param dropOnFailure after the UDF client gives up on an element: true drops (acks) it, false
 *     nacks it so the upstream redelivers it
 */
public record EngineConfig(int concurrency, boolean batchMode, int batchSize, Duration batchTimeout, boolean keyOrdering,
    int outputCapacity, boolean dropOnFailure) {

  public EngineConfig {
    if (concurrency < 1 || batchSize < 1 || outputCapacity < 1) {
      throw new IllegalArgumentException("invalid engine config: " + this);
    }
  }
}
