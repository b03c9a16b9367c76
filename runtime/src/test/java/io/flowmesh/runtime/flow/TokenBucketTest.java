package io.flowmesh.runtime.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long MS = 1_000_000L;

  @Test
  void tokensAccrueAtTheRateAndStopAtTheBurst() {
    TokenBucket b = new TokenBucket(1000, 50, 0);
    b.refill(10 * MS);
    assertEquals(10, b.available());
    b.refill(1000 * MS);
    assertEquals(50, b.available(), "capped at the burst");
  }

  @Test
  void takingMoreThanIsAvailableIsRefused() {
    TokenBucket b = new TokenBucket(100, 10, 0);
    b.refill(50 * MS);
    b.take(5);
    assertEquals(0, b.available());
    assertThrows(IllegalArgumentException.class, () -> b.take(1));
  }
}
