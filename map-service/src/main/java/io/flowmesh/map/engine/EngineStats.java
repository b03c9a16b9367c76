package io.flowmesh.map.engine;

import java.util.function.LongConsumer;

/**
 * The engine's counters: plain fields written on the engine's event loop and read by metrics
 * gauges (a stale read there is harmless).
 */
public final class EngineStats {

  private final LongConsumer udfTime;
  public long elementsIn;
  public long outputs;
  public long acked;
  public long dropped;
  public long failedDropped;
  public long failedNacked;
  public long batchesSent;
  public int maxPermitsInUse;

  /** @param udfTime told each element's UDF call time in nanoseconds (bound to a metrics timer) */
  public EngineStats(LongConsumer udfTime) {
    this.udfTime = udfTime;
  }

  void udfNanos(long nanos) {
    udfTime.accept(nanos);
  }
}
