package io.flowmesh.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.udf.UsageException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {

  private static final long MS = 1_000_000;

  @Test
  void theMeanOfADistributionIsItsPercentWeightedLatency() {
    assertEquals(0.95 * MS + 0.05 * 50 * MS, LatencyDistribution.parse("95%:1ms,5%:50ms").meanNanos(), 1.0);
    assertEquals(5 * MS, LatencyDistribution.parse("5ms").meanNanos(), 1.0);
  }

  @Test
  void theMeanOfManyDrawsIsCloseToTheDistributionsMean() {
    LatencyDistribution distribution = LatencyDistribution.parse("95%:1ms, 4%:20ms, 1%:200ms");
    SplittableRandom random = new SplittableRandom(42);
    int draws = 200_000;

    double sum = 0;
    for (int i = 0; i < draws; i++) {
      sum += distribution.draw(random);
    }

    double ratio = (sum / draws) / distribution.meanNanos();
    assertTrue(ratio > 0.97 && ratio < 1.03, "mean of draws / expected mean = " + ratio);
  }

  @Test
  void eachLatencyIsDrawnAboutAsOftenAsItsPercentage() {
    LatencyDistribution distribution = LatencyDistribution.parse("25%:1ms,75%:3ms");
    SplittableRandom random = new SplittableRandom(7);
    int draws = 100_000;

    int ones = 0;
    for (int i = 0; i < draws; i++) {
      long nanos = distribution.draw(random);
      assertTrue(nanos == MS || nanos == 3 * MS, "drew " + nanos);
      ones += nanos == MS ? 1 : 0;
    }

    double share = (double) ones / draws;
    assertTrue(share > 0.24 && share < 0.26, "share of 1ms = " + share);
  }

  @Test
  void aBadSpecIsRejectedWithAMessageNamingTheSpecAndTheProblem() {
    List<List<String>> cases = List.of(
        List.of("95%:1ms,4%:50ms", "add up to 99"),
        List.of("95%:1ms,6%:50ms", "add up to 101"),
        List.of("95:1ms,5%:50ms", "not PERCENT%:DURATION"),
        List.of("95%:1ms,5%:fast", "duration 'fast'"),
        List.of("x%:1ms", "not a percentage"),
        List.of("0%:1ms,100%:2ms", "not in (0, 100]"),
        List.of("", "empty"),
        List.of("10", "duration '10'"));
    for (List<String> c : cases) {
      UsageException e = assertThrows(UsageException.class, () -> LatencyDistribution.parse(c.get(0)), c.get(0));
      assertTrue(e.getMessage().contains("'" + c.get(0) + "'") && e.getMessage().contains(c.get(1)),
          c.get(0) + " -> " + e.getMessage());
    }
  }
}
