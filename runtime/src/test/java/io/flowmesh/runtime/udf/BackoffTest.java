package io.flowmesh.runtime.udf;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  @Test
  void theCeilingDoublesFromTheInitialDelayUpToTheMaximum() {
    assertEquals(100_000_000L, backoff.ceilingNanos(1));
    assertEquals(200_000_000L, backoff.ceilingNanos(2));
    assertEquals(1_600_000_000L, backoff.ceilingNanos(5));
    assertEquals(2_000_000_000L, backoff.ceilingNanos(6));
    assertEquals(2_000_000_000L, backoff.ceilingNanos(1_000));
  }

  @Test
  void eachDelayIsJitteredBetweenHalfTheCeilingAndTheCeiling() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = backoff.delayNanos(3);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 200_000_000L && max <= 400_000_000L, min + ".." + max);
    assertTrue(max - min > 150_000_000L, "the delays are spread: " + min + ".." + max);
  }
}
