package io.flowmesh.sink.engine;

/**
 * A token bucket refilled from the elapsed time: {@code rate} tokens per second up to
 * {@code burst}; refilled by the throttle's periodic timer.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(double rate, double burst, long nowNanos) {
    if (!(rate > 0) || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1: rate=" + rate + " burst=" + burst);
    }
    this.ratePerNano = rate / 1e9;
    this.burst = burst;
    this.lastNanos = nowNanos;
  }

  void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * ratePerNano);
      lastNanos = nowNanos;
    }
  }

  long available() {
    return (long) tokens;
  }

  void take(long n) {
    tokens = Math.max(0, tokens - n);
  }
}
