package io.flowmesh.examples;

import io.flowmesh.udf.Durations;
import io.flowmesh.udf.UsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A discrete distribution of latencies, written like {@code 95%:1ms,5%:50ms}: each entry a
 * percentage and a duration, the percentages adding up to 100. A single duration ({@code 5ms})
 * means 100% of it.
 *
 * <h2>Concurrency</h2>
 * Immutable; {@link #draw} is as thread-safe as the generator given to it.
 */
public final class LatencyDistribution {

  private static final double TOLERANCE = 1e-6;

  private final String spec;
  /** Cumulative probabilities, ascending; the last is 1. */
  private final double[] cumulative;
  /** The latency of each entry, in nanoseconds. */
  private final long[] nanos;

  private LatencyDistribution(String spec, double[] cumulative, long[] nanos) {
    this.spec = spec;
    this.cumulative = cumulative;
    this.nanos = nanos;
  }

  /**
   * Parses a distribution.
   *
   * @throws UsageException naming the spec and what is wrong with it
   */
  public static LatencyDistribution parse(String spec) {
    String text = spec.trim();
    if (text.isEmpty()) {
      throw bad(spec, "it is empty");
    }
    if (!text.contains(":")) {
      return new LatencyDistribution(spec, new double[] {1.0}, new long[] {durationNanos(spec, text)});
    }
    List<Double> percents = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    double total = 0;
    for (String entry : text.split(",")) {
      String[] parts = entry.trim().split(":");
      if (parts.length != 2 || !parts[0].trim().endsWith("%")) {
        throw bad(spec, "entry '" + entry.trim() + "' is not PERCENT%:DURATION");
      }
      String number = parts[0].trim();
      double percent;
      try {
        percent = Double.parseDouble(number.substring(0, number.length() - 1));
      } catch (NumberFormatException e) {
        throw bad(spec, "'" + number + "' is not a percentage");
      }
      if (!(percent > 0 && percent <= 100)) {
        throw bad(spec, "percentage " + number + " is not in (0, 100]");
      }
      total += percent;
      percents.add(percent);
      latencies.add(durationNanos(spec, parts[1].trim()));
    }
    if (Math.abs(total - 100) > TOLERANCE) {
      throw bad(spec, "percentages add up to " + total + ", not 100");
    }
    double[] cumulative = new double[percents.size()];
    long[] nanos = new long[percents.size()];
    double sum = 0;
    for (int i = 0; i < cumulative.length; i++) {
      sum += percents.get(i) / total;
      cumulative[i] = sum;
      nanos[i] = latencies.get(i);
    }
    cumulative[cumulative.length - 1] = 1.0;
    return new LatencyDistribution(spec, cumulative, nanos);
  }

  /** One latency drawn from the distribution, in nanoseconds. */
  public long draw(RandomGenerator random) {
    double u = random.nextDouble();
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return nanos[i];
      }
    }
    return nanos[nanos.length - 1];
  }

  /** The mean latency, in nanoseconds. */
  public double meanNanos() {
    double mean = 0;
    double previous = 0;
    for (int i = 0; i < cumulative.length; i++) {
      mean += (cumulative[i] - previous) * nanos[i];
      previous = cumulative[i];
    }
    return mean;
  }

  @Override
  public String toString() {
    return spec;
  }

  private static long durationNanos(String spec, String text) {
    try {
      Duration d = Durations.parse(text);
      return d.toNanos();
    } catch (UsageException e) {
      throw bad(spec, e.getMessage());
    }
  }

  private static UsageException bad(String spec, String why) {
    return new UsageException("latency distribution '" + spec + "': " + why
        + " (expected entries like 95%:1ms,5%:50ms adding up to 100%)");
  }
}
