package io.flowmesh.console;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-second rates from counters read at intervals: each call gives the change since the previous
 * reading of the same counter divided by the time between them. A counter that went down was
 * restarted (its process was), so its new value counts from zero. The first reading of a counter
 * has no rate ({@link Double#NaN}).
 *
 * <p>Concurrency: not thread-safe; the poller uses it from its event loop.
 */
public final class Rates {

  private record Reading(double value, long nanos) {
  }

  private final Map<String, Reading> last = new HashMap<>();

  /**
   * The rate of counter {@code key} per second, now that it reads {@code value} at {@code nanos}
   * ({@link System#nanoTime}); NaN on its first reading or when no time has passed.
   */
  public double rate(String key, double value, long nanos) {
    Reading before = last.put(key, new Reading(value, nanos));
    if (before == null || nanos <= before.nanos || Double.isNaN(value)) {
      return Double.NaN;
    }
    double delta = value >= before.value ? value - before.value : value;
    return delta * 1e9 / (nanos - before.nanos);
  }

  /** Forgets every counter whose key starts with {@code prefix} (a vertex replica that went away). */
  public void forget(String prefix) {
    last.keySet().removeIf(k -> k.startsWith(prefix));
  }
}
