package io.flowmesh.map.concurrency;

import java.time.Duration;

/**
 * How many elements a map instance may have in its UDF at once: a fixed number, or
 * {@code auto} between bounds.
 *
 * @param auto the limit adapts ({@code map.concurrency=auto}); else it is {@code fixed}
 * @param fixed the limit when not auto
 * @param min the lowest limit when auto
 * @param max the highest limit when auto
 * @param probeInterval when auto, how often the UDF's latency without queueing is measured again
 */
public record ConcurrencySettings(boolean auto, int fixed, int min, int max, Duration probeInterval) {

  /** The limit an auto limiter starts at: low, {@value #START} unless the bounds say otherwise. */
  public static final int START = 4;

  public ConcurrencySettings {
    if (fixed < 1 || min < 1 || max < min || probeInterval.isNegative() || probeInterval.isZero()) {
      throw new IllegalArgumentException("invalid concurrency settings: " + fixed + ", auto " + auto + " [" + min + ", " + max
          + "], probe every " + probeInterval);
    }
  }

  /** A fixed limit of {@code n}. */
  public static ConcurrencySettings fixed(int n) {
    return new ConcurrencySettings(false, n, 1, Math.max(1, n), Duration.ofSeconds(30));
  }

  /** The limit in force before anything was measured. */
  public int initial() {
    return auto ? Math.min(max, Math.max(min, START)) : fixed;
  }

  /** For /status and logs: {@code 64} or {@code auto [1, 1000]}. */
  public String describe() {
    return auto ? "auto [" + min + ", " + max + "]" : Integer.toString(fixed);
  }
}
