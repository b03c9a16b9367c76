package io.flowmesh.runtime.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.util.TimeUtils;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A histogram of durations recorded once per message by event loops, exposed on {@code /metrics}
 * as a Prometheus histogram ({@code _bucket}, {@code _count}, {@code _sum}) with the bucket bounds
 * Micrometer's {@code publishPercentileHistogram()} timer would have.
 *
 * <p>Why not that timer: it searches its bucket bounds per value (binary search over ~70 doubles),
 * adds to two {@code LongAdder}s and CASes a rolling maximum, for every message. That was 20 % of
 * sink-service's and 8 % of map-service's CPU samples in scenario 2. Here each writing thread has
 * its own {@link Recorder}: the bucket is found from the value's power of two and a few steps
 * forward, and the counts are plain stores that the scrape reads ({@code setOpaque}: no fence, no
 * torn or hoisted value). The scrape sums the recorders of one label set. There is no
 * {@code _max}.
 *
 * <h2>Concurrency</h2>
 * A {@link Recorder} is written by one thread at a time (its event loop); scrapes run on any thread.
 */
public final class LoopHistogram implements Collector {

  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle SUM;

  static {
    try {
      SUM = MethodHandles.lookup().findVarHandle(Recorder.class, "sumSeconds", double.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The range of Micrometer's timer when none is given: its bounds run from 1 ms to 30 s. */
  public static final Duration TIMER_MIN = Duration.ofMillis(1);
  public static final Duration TIMER_MAX = Duration.ofSeconds(30);

  /** The families registered per Prometheus registry: one collector per metric name. */
  private static final Map<PrometheusRegistry, Map<String, LoopHistogram>> FAMILIES = new WeakHashMap<>();

  private final String name;
  private final String help;
  private final Duration min;
  private final Duration max;
  /** Upper bounds in nanoseconds, ascending; a value above the last is counted in +Inf. */
  private final long[] bounds;
  /** The same bounds in seconds, and +Inf last, as exposed. */
  private final double[] boundsSeconds;
  /** For a value in [2^k, 2^(k+1)): the first bound that is at least 2^k. */
  private final int[] firstAtLeast = new int[64];
  private final Tags common;
  private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

  private LoopHistogram(String name, String help, Duration min, Duration max, Tags common) {
    this.name = name;
    this.help = help;
    this.min = min;
    this.max = max;
    this.common = common;
    NavigableSet<Double> set = DistributionStatisticConfig.builder().percentilesHistogram(true)
        .minimumExpectedValue((double) min.toNanos()).maximumExpectedValue((double) max.toNanos()).build()
        .merge(DistributionStatisticConfig.DEFAULT).getHistogramBuckets(true);
    bounds = new long[set.size()];
    boundsSeconds = new double[set.size() + 1];
    int i = 0;
    for (double b : set) {
      bounds[i] = (long) Math.floor(b); // whole nanoseconds: v <= b exactly when v <= floor(b)
      boundsSeconds[i] = TimeUtils.nanosToUnit(b, TimeUnit.SECONDS);
      i++;
    }
    boundsSeconds[i] = Double.POSITIVE_INFINITY;
    for (int k = 0, j = 0; k < 64; k++) {
      long low = 1L << k; // k = 63: Long.MIN_VALUE, below every bound; no positive value gets there
      while (k < 63 && j < bounds.length && bounds[j] < low) {
        j++;
      }
      firstAtLeast[k] = j;
    }
  }

  /**
   * The histogram {@code name} (the Prometheus name, e.g. {@code flowmesh_sink_e2e_latency_seconds})
   * of {@code registry}, registered on first use with bounds for values between {@code min} and
   * {@code max}; later calls with the same name get the same one (and must ask for the same range).
   * A registry that is not Prometheus's records and exposes nothing (tests).
   *
   * <p>The name must be no Micrometer meter's too: the scrape would then refuse the duplicate family.
   */
  public static LoopHistogram of(MeterRegistry registry, String name, String help, Duration min, Duration max) {
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
      return new LoopHistogram(name, help, min, max, Tags.empty());
    }
    PrometheusRegistry target = prometheus.getPrometheusRegistry();
    synchronized (FAMILIES) {
      Map<String, LoopHistogram> byName = FAMILIES.computeIfAbsent(target, r -> new LinkedHashMap<>());
      LoopHistogram h = byName.get(name);
      if (h == null) {
        h = new LoopHistogram(name, help, min, max, MetricsRegistry.commonTags(registry));
        target.register(h); // first: a refused registration leaves no histogram that is never scraped
        byName.put(name, h);
      } else if (!h.min.equals(min) || !h.max.equals(max)) {
        throw new IllegalArgumentException("histogram " + name + " has the range " + h.min + " to " + h.max
            + ", asked again with " + min + " to " + max);
      }
      return h;
    }
  }

  /** A recorder for one writing thread; its values are exposed with {@code tags} (and the registry's common tags). */
  public Recorder recorder(String... tags) {
    Recorder r = new Recorder(this, Tags.concat(common, Tags.of(tags)));
    recorders.add(r);
    return r;
  }

  @Override
  public String getPrometheusName() {
    return name;
  }

  @Override
  public MetricSnapshot collect() {
    Map<Tags, long[]> counts = new LinkedHashMap<>();
    Map<Tags, double[]> sums = new LinkedHashMap<>();
    for (Recorder r : recorders) {
      long[] into = counts.computeIfAbsent(r.tags, t -> new long[boundsSeconds.length]);
      r.addCountsTo(into);
      sums.computeIfAbsent(r.tags, t -> new double[1])[0] += r.sumSeconds();
    }
    HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder().name(name).help(help);
    for (Map.Entry<Tags, long[]> e : counts.entrySet()) {
      List<String> labelNames = new ArrayList<>();
      List<String> labelValues = new ArrayList<>();
      for (Tag t : e.getKey()) {
        labelNames.add(t.getKey());
        labelValues.add(t.getValue());
      }
      snapshot.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(Labels.of(labelNames, labelValues))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsSeconds, e.getValue()))
          .sum(sums.get(e.getKey())[0])
          .build());
    }
    return snapshot.build();
  }

  /** The bucket of {@code nanos}: the first bound at or above it, or {@code bounds.length} for +Inf. */
  int bucket(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    int i = firstAtLeast[63 - Long.numberOfLeadingZeros(nanos)];
    while (i < bounds.length && bounds[i] < nanos) {
      i++;
    }
    return i;
  }

  /** The upper bounds in nanoseconds (a copy). */
  long[] bounds() {
    return bounds.clone();
  }

  /** One thread's share of a {@link LoopHistogram}. */
  public static final class Recorder {

    private final LoopHistogram histogram;
    private final Tags tags;
    private final long[] counts;
    /** In seconds, a double as Prometheus's: a long of nanoseconds would overflow within days of a slow stream. */
    private double sumSeconds;

    private Recorder(LoopHistogram histogram, Tags tags) {
      this.histogram = histogram;
      this.tags = tags;
      this.counts = new long[histogram.boundsSeconds.length];
    }

    /**
     * Counts one duration. A negative one is not counted, as Micrometer's timer did not: the sink's
     * latency is one host's clock minus another's, and a skew must not pile up in the lowest bucket.
     * Only from this recorder's thread.
     */
    public void record(long nanos) {
      if (nanos < 0) {
        return;
      }
      int i = histogram.bucket(nanos);
      COUNTS.setOpaque(counts, i, counts[i] + 1);
      SUM.setOpaque(this, sumSeconds + nanos / 1e9);
    }

    /** {@link #record(long)} of a duration in milliseconds (beyond ~292 years: the largest nanoseconds). */
    public void recordMillis(long millis) {
      if (millis >= 0) {
        record(millis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : millis * 1_000_000);
      }
    }

    /** Values recorded so far. */
    public long count() {
      long n = 0;
      for (int i = 0; i < counts.length; i++) {
        n += (long) COUNTS.getOpaque(counts, i);
      }
      return n;
    }

    double sumSeconds() {
      return (double) SUM.getOpaque(this);
    }

    void addCountsTo(long[] into) {
      for (int i = 0; i < counts.length; i++) {
        into[i] += (long) COUNTS.getOpaque(counts, i);
      }
    }
  }
}
