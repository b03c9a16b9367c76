package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LoopHistogramTest {

  private static final Duration MIN = Duration.ofMillis(1);
  private static final Duration MAX = Duration.ofMinutes(5);

  /** {@code name_bucket{...}} lines of a scrape whose labels contain {@code having}: le -> cumulative count. */
  private static TreeMap<Double, Long> buckets(String text, String name, String having) {
    TreeMap<Double, Long> out = new TreeMap<>();
    Pattern p = Pattern.compile("^" + name + "_bucket\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (!m.group(1).contains(having)) {
        continue;
      }
      Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(m.group(1));
      assertTrue(le.find(), m.group());
      out.put(le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1)),
          (long) Double.parseDouble(m.group(2)));
    }
    return out;
  }

  private static double sample(String text, String line) {
    Matcher m = Pattern.compile("^" + Pattern.quote(line) + "\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "no " + line + " in\n" + text);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyValueLandsInTheBucketMicrometersTimerPutsItIn() {
    PrometheusMeterRegistry registry = MetricsRegistry.create("sink", "out");
    Timer timer = Timer.builder("ref.latency").publishPercentileHistogram().minimumExpectedValue(MIN)
        .maximumExpectedValue(MAX).register(registry);
    compare(registry, timer, LoopHistogram.of(registry, "ours_latency_seconds", "test", MIN, MAX));
  }

  @Test
  void withTheTimersDefaultRangeTheBoundsAreTheTimersToo() {
    PrometheusMeterRegistry registry = MetricsRegistry.create("map", "m");
    Timer timer = Timer.builder("ref.latency").publishPercentileHistogram().register(registry);
    compare(registry, timer, LoopHistogram.of(registry, "ours_latency_seconds", "test", LoopHistogram.TIMER_MIN,
        LoopHistogram.TIMER_MAX));
  }

  private static void compare(PrometheusMeterRegistry registry, Timer timer, LoopHistogram h) {
    LoopHistogram.Recorder ours = h.recorder();
    List<Long> values = new ArrayList<>();
    for (long b : h.bounds()) { // each bound and its neighbours: the edges are where a search goes wrong
      values.add(b - 1);
      values.add(b);
      values.add(b + 1);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      values.add((long) Math.exp(random.nextDouble() * Math.log(1e12))); // 1 ns to ~17 min, log-uniform
    }
    values.add(0L);
    values.add(1L);
    values.add(Long.MAX_VALUE / 2); // (not MAX_VALUE too: the timer's sum of nanoseconds would overflow)
    values.add(-5L); // not counted by either: a clock skew is no duration
    for (long v : values) {
      timer.record(v, TimeUnit.NANOSECONDS);
      ours.record(v);
    }
    String text = registry.scrape();

    TreeMap<Double, Long> expected = buckets(text, "ref_latency_seconds", "");
    TreeMap<Double, Long> actual = buckets(text, "ours_latency_seconds", "");
    assertTrue(expected.size() > 20, "the reference timer has its buckets: " + expected.size());
    assertEquals(expected, actual, "the same bounds, the same cumulative counts");
    assertEquals(sample(text, "ref_latency_seconds_count"), sample(text, "ours_latency_seconds_count"));
    double refSum = sample(text, "ref_latency_seconds_sum");
    assertEquals(refSum, sample(text, "ours_latency_seconds_sum"), refSum * 1e-9);
    assertEquals(values.size() - 1, ours.count());
  }

  /** The value of the sample {@code name{labels}} (labels exactly as printed). */
  private static double exact(String text, String name, String labels) {
    String line = name + "{" + labels + "} ";
    for (String l : text.split("\n")) {
      if (l.startsWith(line)) {
        return Double.parseDouble(l.substring(line.length()));
      }
    }
    throw new AssertionError("no " + line + "in\n" + text);
  }

  @Test
  void recordersOfOneLabelSetAreSummedAndOtherLabelSetsKeptApart() {
    PrometheusMeterRegistry registry = MetricsRegistry.create("map", "enrich");
    LoopHistogram h = LoopHistogram.of(registry, "calls_seconds", "test", MIN, MAX);
    LoopHistogram.Recorder a = h.recorder("verticle", "0");
    LoopHistogram.Recorder b = h.recorder("verticle", "0");
    LoopHistogram.Recorder c = h.recorder("verticle", "1");
    a.recordMillis(2);
    b.recordMillis(2);
    b.recordMillis(40);
    c.recordMillis(3);
    String text = registry.scrape();

    String zero = "service=\"map\",vertex=\"enrich\",verticle=\"0\"";
    String one = "service=\"map\",vertex=\"enrich\",verticle=\"1\"";
    assertEquals(3, exact(text, "calls_seconds_count", zero), "both recorders of verticle 0, with the common tags");
    assertEquals(0.044, exact(text, "calls_seconds_sum", zero), 1e-12);
    assertEquals(1, exact(text, "calls_seconds_count", one));
    assertEquals(0.003, exact(text, "calls_seconds_sum", one), 1e-12);
    assertEquals(1, text.split("# TYPE calls_seconds histogram", -1).length - 1, "one family:\n" + text);
  }

  @Test
  void millisecondsCountAsTheirNanosecondsAndNegativeOnesNotAtAll() {
    PrometheusMeterRegistry registry = MetricsRegistry.create("sink", "ms");
    LoopHistogram h = LoopHistogram.of(registry, "ms_seconds", "test", MIN, MAX);
    LoopHistogram.Recorder r = h.recorder();
    r.recordMillis(3);
    r.recordMillis(-7);
    r.recordMillis(Long.MAX_VALUE);
    String text = registry.scrape();

    assertEquals(2, r.count());
    TreeMap<Double, Long> b = buckets(text, "ms_seconds", "");
    assertEquals(1L, b.get(b.ceilingKey(0.003)) - b.get(b.lowerKey(b.ceilingKey(0.003))), "3 ms in the bucket 3 ms falls in");
    assertEquals(1L, b.get(Double.POSITIVE_INFINITY) - b.get(b.lowerKey(Double.POSITIVE_INFINITY)), "the largest in +Inf");
  }

  @Test
  void askingForANameAgainWithAnotherRangeIsRefused() {
    PrometheusMeterRegistry registry = MetricsRegistry.create("map", "r");
    LoopHistogram.of(registry, "range_seconds", "test", MIN, MAX);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LoopHistogram.of(registry, "range_seconds", "test", MIN, Duration.ofSeconds(30)));
    assertTrue(e.getMessage().contains("range_seconds"), e.getMessage());
  }

  @Test
  void theSameNameInOneRegistryIsOneHistogramAndAnotherRegistryHasItsOwn() {
    PrometheusMeterRegistry one = MetricsRegistry.create("sink", "a");
    PrometheusMeterRegistry two = MetricsRegistry.create("sink", "b");
    LoopHistogram h = LoopHistogram.of(one, "e2e_seconds", "test", MIN, MAX);
    assertSame(h, LoopHistogram.of(one, "e2e_seconds", "test", MIN, MAX));
    h.recorder().recordMillis(5);
    LoopHistogram.of(two, "e2e_seconds", "test", MIN, MAX).recorder();

    assertEquals(1, exact(one.scrape(), "e2e_seconds_count", "service=\"sink\",vertex=\"a\""));
    assertEquals(0, exact(two.scrape(), "e2e_seconds_count", "service=\"sink\",vertex=\"b\""));
  }

  @Test
  void scrapesWhileALoopRecordsNeverSeeACountGoBackAndEndWithEveryValue() throws Exception {
    PrometheusMeterRegistry registry = MetricsRegistry.create("map", "m");
    LoopHistogram.Recorder r = LoopHistogram.of(registry, "busy_seconds", "test", MIN, MAX).recorder();
    int n = 2_000_000;
    Thread writer = new Thread(() -> {
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < n; i++) {
        r.record(random.nextLong(10_000_000));
      }
    });
    writer.start();
    TreeMap<Double, Long> last = new TreeMap<>();
    int scrapes = 0;
    while (writer.isAlive() || scrapes == 0) {
      TreeMap<Double, Long> now = buckets(registry.scrape(), "busy_seconds", "");
      for (var e : last.entrySet()) {
        assertTrue(now.get(e.getKey()) >= e.getValue(), "bucket le=" + e.getKey() + " went from " + e.getValue()
            + " to " + now.get(e.getKey()));
      }
      last = now;
      scrapes++;
    }
    writer.join();
    assertEquals((double) n, sample(registry.scrape(), "busy_seconds_count"));
    assertTrue(scrapes > 1, "scraped while recording: " + scrapes);
  }
}
