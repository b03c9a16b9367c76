package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QuantilesTest {

  @Test
  void quantilesInterpolateWithinTheBucketWhereTheRankFalls() {
    TreeMap<Double, Double> b = new TreeMap<>();
    b.put(0.01, 50.0);
    b.put(0.1, 90.0);
    b.put(1.0, 100.0);
    b.put(Double.POSITIVE_INFINITY, 100.0);
    assertEquals(0.01, Quantiles.of(0.5, b), 1e-12);
    assertEquals(0.1, Quantiles.of(0.9, b), 1e-12);
    assertEquals(0.55, Quantiles.of(0.95, b), 1e-12);
    assertEquals(0.005, Quantiles.of(0.25, b), 1e-12);
    TreeMap<Double, Double> none = new TreeMap<>(Map.of(1.0, 0.0, Double.POSITIVE_INFINITY, 0.0));
    assertTrue(Double.isNaN(Quantiles.of(0.5, none)), "no observation, no quantile");
  }
}
