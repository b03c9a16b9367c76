package io.flowmesh.map.engine;

/**
 * The engine's counters: plain fields written on the engine's event loop and read by metrics
 * gauges (a stale read there is harmless).
 */
public final class EngineStats {

  public long elementsIn;
  public long outputs;
  public long acked;
  public long dropped;
  public long failedDropped;
  public long failedNacked;
  /** Inputs nacked back upstream because nobody read the output edge (edge.orphan-timeout). */
  public long givenBack;
  public long batchesSent;
  public int maxPermitsInUse;
  /** Elements that gave their permit back with an answer, and the nanoseconds they held it in total. */
  public long inFlightCount;
  public long inFlightNanos;

  /**
   * One element held its permit {@code nanos}, retries included. Two additions, not a timer: the
   * UDF call time is already a histogram, and this runs once per element on the event loop.
   */
  void inFlight(long nanos) {
    inFlightCount++;
    inFlightNanos += nanos;
  }
}
