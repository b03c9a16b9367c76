package io.flowmesh.runtime.edge;

/**
 * Lets a log line through at most once per interval and counts what it held back, so a peer that
 * misbehaves in a loop cannot flood the log; the next line says how many were suppressed.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class LogLimiter {

  private final long intervalNanos;
  private long last = Long.MIN_VALUE;
  private long suppressed;
  private long reported;

  public LogLimiter(long intervalMillis) {
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  /** True when a line may be logged now. */
  public boolean allow() {
    long now = System.nanoTime();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) {
      suppressed++;
      return false;
    }
    last = now;
    reported = suppressed;
    suppressed = 0;
    return true;
  }

  /** A suffix for the allowed line: how many lines were held back before it. */
  public String suppressedSuffix() {
    return reported == 0 ? "" : " (" + reported + " similar lines suppressed)";
  }
}
