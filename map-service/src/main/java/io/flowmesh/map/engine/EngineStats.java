package io.flowmesh.map.engine;

/**
 * The engine's counters: plain fields written on the engine's event loop and read by metrics
 * gauges (a stale read there is harmless). The methods are called on the engine's event loop.
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
  /**
   * Inputs detached as they arrived, behind a detached element of their key ({@link KeySequencer});
   * the UDF client counts the rest ({@code UdfStats.detached}).
   */
  public long detachedBehindKey;
  public int maxPermitsInUse;
  /** Elements that gave their permit back with an answer, and the nanoseconds they held it in total. */
  public long inFlightCount;
  public long inFlightNanos;
  /**
   * Nanoseconds dispatch stood still because {@code map.output-capacity} outputs waited for
   * downstream acks: back-pressure from downstream. Brought up to date when the state changes and
   * on {@link #updateOutputBlocked} (the instance's periodic tick), so it grows during a long block.
   */
  public long outputBlockedNanos;
  private boolean outputBlocked;
  private long outputBlockedSince;

  /**
   * One element held its permit {@code nanos}, retries included. Two additions, not a timer: the
   * UDF call time is already a histogram, and this runs once per element on the event loop.
   */
  void inFlight(long nanos) {
    inFlightCount++;
    inFlightNanos += nanos;
  }

  /** The engine's pump says whether dispatch is blocked on downstream now; the clock runs while it is. */
  void outputBlocked(boolean blocked) {
    if (blocked != outputBlocked) {
      long now = System.nanoTime();
      if (outputBlocked) {
        outputBlockedNanos += now - outputBlockedSince;
      }
      outputBlocked = blocked;
      outputBlockedSince = now;
    }
  }

  /** Adds the time blocked so far to {@link #outputBlockedNanos} while still blocked. On the engine's event loop. */
  public void updateOutputBlocked() {
    if (outputBlocked) {
      long now = System.nanoTime();
      outputBlockedNanos += now - outputBlockedSince;
      outputBlockedSince = now;
    }
  }
}
