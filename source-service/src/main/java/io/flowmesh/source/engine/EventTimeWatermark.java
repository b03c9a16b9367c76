package io.flowmesh.source.engine;

import io.flowmesh.runtime.edge.Watermarks;

/**
 * A watermark from event times seen (the HTTP source, each Kafka partition): the largest event time seen (never ahead of the wall clock) minus
 * {@code maxDelay}; after {@code idleTimeout} without input and with nothing unsent, the wall
 * clock minus {@code maxDelay} — so a source that never received anything still advances.
 *
 * <p>Concurrency: not thread-safe; owned by the source's event loop.
 */
public final class EventTimeWatermark {

  private final long maxDelayMillis;
  private final long idleNanos;
  private long maxEventTime = Watermarks.NONE;
  private long lastInputNanos;

  public EventTimeWatermark(long maxDelayMillis, long idleNanos, long startNanos) {
    this.maxDelayMillis = maxDelayMillis;
    this.idleNanos = idleNanos;
    this.lastInputNanos = startNanos;
  }

  /** A message with {@code eventTime} was accepted at {@code nowMillis}. */
  public void seen(long eventTime, long nowMillis, long nowNanos) {
    long t = Math.min(eventTime, nowMillis);
    if (t > maxEventTime) {
      maxEventTime = t;
    }
    lastInputNanos = nowNanos;
  }

  public long watermark(long nowMillis, long nowNanos, long unsent) {
    long wm = maxEventTime == Watermarks.NONE ? Watermarks.NONE : maxEventTime - maxDelayMillis;
    if (unsent == 0 && nowNanos - lastInputNanos >= idleNanos) {
      wm = Math.max(wm, nowMillis - maxDelayMillis);
    }
    return wm;
  }

  public boolean idle(long nowNanos) {
    return nowNanos - lastInputNanos >= idleNanos;
  }
}
