package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RatesTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void theRateIsTheCounterIncreaseOverTheTimeBetweenReadings() {
    Rates r = new Rates();
    assertTrue(Double.isNaN(r.rate("a", 100, 0)), "no rate from one reading");
    assertEquals(50.0, r.rate("a", 200, 2 * SECOND), 1e-9);
    assertEquals(0.0, r.rate("a", 200, 3 * SECOND), 1e-9);
  }

  @Test
  void aCounterThatWentDownWasRestartedAndCountsFromZero() {
    Rates r = new Rates();
    r.rate("a", 10_000, 0);
    assertEquals(30.0, r.rate("a", 30, SECOND), 1e-9);
  }

  @Test
  void forgettingAVertexStartsItsCountersAfresh() {
    Rates r = new Rates();
    r.rate("map|in", 10, 0);
    r.rate("sink|in", 10, 0);
    r.forget("map|");
    assertTrue(Double.isNaN(r.rate("map|in", 20, SECOND)));
    assertEquals(10.0, r.rate("sink|in", 20, SECOND), 1e-9);
  }
}
