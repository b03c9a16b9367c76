package io.flowmesh.runtime.flow;

/**
 * A token bucket refilled from the elapsed time: {@code rate} tokens per second up to
 * {@code burst}. Refilled by a periodic timer, so producing needs no per-message timer.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  /**
   * @param rate tokens per second, more than 0
   * @param burst most tokens held, at least 1
   */
  public TokenBucket(double rate, double burst, long nowNanos) {
    if (!(rate > 0) || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1: rate=" + rate + " burst=" + burst);
    }
    this.ratePerNano = rate / 1e9;
    this.burst = burst;
    this.lastNanos = nowNanos;
  }

  /** Adds the tokens earned since the last refill. */
  public void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * ratePerNano);
      lastNanos = nowNanos;
    }
  }

  /** Whole tokens available. */
  public long available() {
    return (long) tokens;
  }

  /** Takes {@code n} tokens (at most {@link #available()}). */
  public void take(long n) {
    if (n < 0 || n > tokens) {
      throw new IllegalArgumentException("cannot take " + n + " tokens with " + tokens + " available");
    }
    tokens -= n;
  }
}
