package io.flowmesh.source.http;

import io.flowmesh.runtime.edge.Watermarks;

/**
 * The HTTP source's watermark: the largest event time seen (never ahead of the wall clock) minus
 * {@code maxDelay}; after {@code idleTimeout} without input and with nothing unsent, the wall
 * clock minus {@code maxDelay} — so a source that never received anything still advances.
 *
 * <p>Concurrency: not thread-safe; owned by the source's event loop.
 */
final class IngestWatermark {

  private final long maxDelayMillis;
  private final long idleNanos;
  private long maxEventTime = Watermarks.NONE;
  private long lastInputNanos;

  IngestWatermark(long maxDelayMillis, long idleNanos, long startNanos) {
    this.maxDelayMillis = maxDelayMillis;
    this.idleNanos = idleNanos;
    this.lastInputNanos = startNanos;
  }

  /** A message with {@code eventTime} was accepted at {@code nowMillis}. */
  void seen(long eventTime, long nowMillis, long nowNanos) {
    long t = Math.min(eventTime, nowMillis);
    if (t > maxEventTime) {
      maxEventTime = t;
    }
    lastInputNanos = nowNanos;
  }

  long watermark(long nowMillis, long nowNanos, long unsent) {
    long wm = maxEventTime == Watermarks.NONE ? Watermarks.NONE : maxEventTime - maxDelayMillis;
    if (unsent == 0 && nowNanos - lastInputNanos >= idleNanos) {
      wm = Math.max(wm, nowMillis - maxDelayMillis);
    }
    return wm;
  }

  boolean idle(long nowNanos) {
    return nowNanos - lastInputNanos >= idleNanos;
  }
}
