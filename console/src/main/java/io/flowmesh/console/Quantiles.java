package io.flowmesh.console;

import java.util.Map;
import java.util.TreeMap;

/**
 * Quantiles from a Prometheus histogram's cumulative buckets, as {@code histogram_quantile} does:
 * the bucket where the rank falls, linearly interpolated within it. The console feeds it the
 * buckets' increase over one poll interval, so the figures are the interval's, not the run's.
 */
public final class Quantiles {

  private Quantiles() {
  }

  /**
   * The {@code q} quantile (0..1) of the histogram whose cumulative counts are {@code buckets}
   * (upper bound {@code le} → count of observations ≤ le, +Inf included); NaN with no observation.
   * A rank in the +Inf bucket answers the highest finite bound.
   */
  public static double of(double q, TreeMap<Double, Double> buckets) {
    if (buckets.isEmpty()) {
      return Double.NaN;
    }
    double total = buckets.lastEntry().getValue();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      double le = b.getKey();
      double count = b.getValue();
      if (count >= rank) {
        if (Double.isInfinite(le)) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0 ? le : lowerBound + (le - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = le;
      lowerCount = count;
    }
    return lowerBound;
  }
}
