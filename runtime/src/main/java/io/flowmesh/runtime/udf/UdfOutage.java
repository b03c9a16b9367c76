package io.flowmesh.runtime.udf;

import java.util.concurrent.TimeUnit;

/**
 * One UDF's outage as the process tells it: since when, how many failed attempts, the last
 * cause, and when it was last said. {@link UdfHealth} keeps one per kind and address for all of a
 * vertex's instances, so N instances retrying make one line per {@link #REPEAT_NANOS}, not N.
 *
 * <h2>Concurrency</h2>
 * Shared by the event loops of a vertex's instances; every method is synchronized (it is called
 * once per connection attempt, never per message).
 */
final class UdfOutage {

  /** The least time between two "still unreachable" lines of one outage. */
  static final long REPEAT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final long startNanos;
  private long saidNanos;
  private long attempts;

  /** An outage whose first failed attempt, at {@code nowNanos}, is being said now. */
  UdfOutage(long nowNanos) {
    this.startNanos = nowNanos;
    this.saidNanos = nowNanos;
    this.attempts = 1;
  }

  /**
   * Counts another failed attempt at {@code nowNanos}; true when the outage is to be said again
   * (the last line is {@link #REPEAT_NANOS} old), which then counts as said.
   */
  synchronized boolean failedAgain(long nowNanos) {
    attempts++;
    if (nowNanos - saidNanos < REPEAT_NANOS) {
      return false;
    }
    saidNanos = nowNanos;
    return true;
  }

  /** Failed attempts so far, by every instance. */
  synchronized long attempts() {
    return attempts;
  }

  /** How long the outage has lasted at {@code nowNanos}, for a log line: {@code 45s}, {@code 12m05s}, {@code 3h02m}. */
  String lasted(long nowNanos) {
    long s = TimeUnit.NANOSECONDS.toSeconds(nowNanos - startNanos);
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return String.format("%dh%02dm", s / 3600, s / 60 % 60);
  }
}
