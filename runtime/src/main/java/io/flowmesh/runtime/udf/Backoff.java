package io.flowmesh.runtime.udf;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: the n-th delay (n from 1) is drawn uniformly
 * from [d/2, d] where d = min(max, initial * 2^(n-1)). The jitter keeps the instances of a
 * vertex from reconnecting to, or retrying against, a recovering UDF in lockstep.
 *
 * <h2>Concurrency</h2>
 * Immutable; uses the calling thread's {@link ThreadLocalRandom}.
 */
public final class Backoff {

  private final long initialNanos;
  private final long maxNanos;

  public Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The ceiling of the n-th delay, before jitter. */
  public long ceilingNanos(int n) {
    int shift = Math.max(0, Math.min(n - 1, 62));
    long d = initialNanos << shift;
    if (d <= 0 || d >>> shift != initialNanos || d > maxNanos) {
      return maxNanos;
    }
    return d;
  }

  /** The n-th delay, jittered, in nanoseconds. */
  public long delayNanos(int n) {
    long ceiling = ceilingNanos(n);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }
}
