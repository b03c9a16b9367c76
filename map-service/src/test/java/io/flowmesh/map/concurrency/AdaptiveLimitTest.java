package io.flowmesh.map.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The limiter against a modelled UDF that saturates at K ({@link SaturatingServerSim}, a virtual
 * clock). The band: the limit holds where the estimated queue is between alpha = max(3, L/10) and
 * beta = max(6, L/5) elements; a queue of q elements in a server of K means about K + q in
 * flight, so for K of 8 and more it sits in [K, 1.3K + 6] — inside [0.6K, 2K], which leaves room
 * for noise in the windows; throughput must stay within 5% of K per mean service time.
 */
class AdaptiveLimitTest {

  static final long MS = 1_000_000;
  static final double MEAN_SERVICE_S = 0.00345;

  /** Runs {@code seconds} in 100 ms steps; returns {lowest, highest} limit seen, and checks the throughput. */
  private static int[] observe(SaturatingServerSim sim, int seconds) {
    int lo = Integer.MAX_VALUE;
    int hi = 0;
    long answered = sim.answered;
    for (int i = 0; i < seconds * 10; i++) {
      sim.run(100 * MS);
      lo = Math.min(lo, sim.limit.limit());
      hi = Math.max(hi, sim.limit.limit());
    }
    double rate = (sim.answered - answered) / (double) seconds;
    double ideal = sim.servers / MEAN_SERVICE_S;
    assertTrue(rate >= 0.95 * ideal, "throughput " + rate + "/s, ideal " + ideal + "/s at K=" + sim.servers + ", limit " + lo + ".." + hi);
    return new int[] {lo, hi};
  }

  private static void assertBand(int k, int[] seen) {
    assertTrue(seen[0] >= 0.6 * k && seen[1] <= 2 * k, "limit ranged over [" + seen[0] + ", " + seen[1] + "], expected within [0.6K, 2K] for K=" + k);
  }

  @Test
  void theLimitSettlesNearWhereTheUdfSaturatesAndKeepsItsThroughput() {
    for (int k : new int[] {8, 16, 64, 256}) {
      SaturatingServerSim sim = new SaturatingServerSim(k, SaturatingServerSim.auto(1, 1000));
      sim.run(2000 * MS); // slow start and settling
      assertBand(k, observe(sim, 10));
    }
  }

  @Test
  void whenKChangesMidRunTheLimitFollows() {
    SaturatingServerSim sim = new SaturatingServerSim(16, SaturatingServerSim.auto(1, 1000));
    sim.run(2000 * MS);
    assertBand(16, observe(sim, 5));
    for (int k : new int[] {64, 8, 32}) {
      sim.servers = k;
      sim.run(3000 * MS);
      assertBand(k, observe(sim, 5));
    }
  }

  @Test
  void theLimitStaysBetweenItsBounds() {
    SaturatingServerSim low = new SaturatingServerSim(64, SaturatingServerSim.auto(1, 20));
    low.run(3000 * MS);
    assertEquals(20, low.limit.limit(), "capped by max");
    SaturatingServerSim high = new SaturatingServerSim(4, SaturatingServerSim.auto(30, 1000));
    high.run(3000 * MS);
    assertEquals(30, high.limit.limit(), "held up by min");
  }

  @Test
  void theLimitDoesNotGrowBeyondTheInputThereIs() {
    // a UDF that never saturates, fed at most 10 elements at once: the limit stops where it stops being reached
    SaturatingServerSim sim = new SaturatingServerSim(100_000, SaturatingServerSim.auto(1, 1000));
    sim.input = 10;
    sim.run(10_000 * MS);
    assertTrue(sim.limit.limit() <= 20, "limit " + sim.limit.limit() + " with only 10 elements of input at a time");
  }

  @Test
  void errorsAndTimeoutsShrinkTheLimitAtOnce() {
    SaturatingServerSim sim = new SaturatingServerSim(64, SaturatingServerSim.auto(2, 1000));
    sim.run(3000 * MS);
    int before = sim.limit.limit();
    sim.errors += 5;
    sim.limit.tick(sim.now);
    assertEquals((int) Math.max(2, before * AdaptiveLimit.ERROR_BACKOFF), sim.limit.limit(), "one backoff from " + before);
    sim.limit.tick(sim.now);
    assertEquals((int) Math.max(2, before * AdaptiveLimit.ERROR_BACKOFF), sim.limit.limit(), "no new errors, no new backoff");
    for (int i = 0; i < 40; i++) {
      sim.errors++;
      sim.limit.tick(sim.now);
    }
    assertEquals(2, sim.limit.limit(), "errors on every tick bring it down to min");
    assertEquals(41, sim.limit.backoffs());
    sim.run(3000 * MS);
    assertBand(64, observe(sim, 5)); // and it climbs back once they stop
  }

  @Test
  void aUdfThatGotSlowerIsMeasuredAgainByTheProbeInsteadOfStarvingTheLimit() {
    SaturatingServerSim sim = new SaturatingServerSim(32, SaturatingServerSim.auto(1, 1000));
    sim.run(2000 * MS);
    long fast = sim.limit.minRttNanos();
    sim.slower = 2 * MS; // every element now takes 2 ms more: the old minRtt is out of reach
    sim.run(35_000 * MS); // past one probe interval (30 s)
    assertTrue(sim.limit.minRttNanos() > fast + MS, "minRtt " + sim.limit.minRttNanos() + " still the old " + fast);
    int[] seen = {Integer.MAX_VALUE, 0};
    for (int i = 0; i < 50; i++) {
      sim.run(100 * MS);
      seen[0] = Math.min(seen[0], sim.limit.limit());
      seen[1] = Math.max(seen[1], sim.limit.limit());
    }
    assertBand(32, seen);
  }

  /**
   * CPU-bound, not UDF-bound: the UDF never saturates, but every element passes twice through one
   * event loop that works in turns costing 2 ms + 20 µs per element + 2 µs per pair of elements
   * ({@link SaturatingServerSim.Cpu}). The call time grows with the number in flight from the
   * first element on — a latency-only limiter reads that as a queue and holds the limit low —
   * while throughput rises up to a point (about 64 in flight) and falls beyond it. The limit must
   * find ≥ 0.9 of the best throughput of a sweep of fixed settings of the same model.
   */
  @Test
  void whenTheCpuNotTheUdfIsShortTheLimitFollowsTheThroughputToItsBest() {
    SaturatingServerSim.Cpu cpu = new SaturatingServerSim.Cpu(2 * MS, 20_000, 2_000);
    double best = 0;
    int bestAt = 0;
    double at8 = 0;
    double at256 = 0;
    for (int f : new int[] {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128, 192, 256}) {
      SaturatingServerSim fixed = new SaturatingServerSim(100_000, SaturatingServerSim.auto(1, 1000));
      fixed.cpu = cpu;
      fixed.fixed = f;
      fixed.run(2000 * MS);
      long before = fixed.answered;
      fixed.run(5000 * MS);
      double rate = (fixed.answered - before) / 5.0;
      if (rate > best) {
        best = rate;
        bestAt = f;
      }
      at8 = f == 8 ? rate : at8;
      at256 = f == 256 ? rate : at256;
    }
    assertTrue(best > 3 * at8 && best > 1.5 * at256 && bestAt > 16 && bestAt < 192,
        "the model rises and falls: best " + best + "/s at " + bestAt + ", " + at8 + "/s at 8, " + at256 + "/s at 256");

    SaturatingServerSim sim = new SaturatingServerSim(100_000, SaturatingServerSim.auto(1, 1000));
    sim.cpu = cpu;
    sim.run(20_000 * MS);
    long before = sim.answered;
    int lo = Integer.MAX_VALUE;
    int hi = 0;
    for (int i = 0; i < 200; i++) {
      sim.run(100 * MS);
      lo = Math.min(lo, sim.limit.limit());
      hi = Math.max(hi, sim.limit.limit());
    }
    double rate = (sim.answered - before) / 20.0;
    assertTrue(rate >= 0.9 * best, "auto " + rate + "/s with the limit in [" + lo + ", " + hi + "] (minRtt "
        + sim.limit.minRttNanos() / 1e6 + " ms, rtt " + sim.limit.rttNanos() / 1e6 + " ms, trials " + sim.limit.paidTrials() + "/"
        + sim.limit.trials() + "); the best fixed setting, " + bestAt + ", got " + best + "/s");
    assertTrue(sim.limit.floor() > 0, "the throughput trials set a floor under the latency signal");
  }

  @Test
  void aFixedSettingIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLimit(ConcurrencySettings.fixed(8), () -> 0, n -> { }, 0));
    assertEquals(4, new ConcurrencySettings(true, 4, 1, 1000, Duration.ofSeconds(30)).initial());
    assertEquals(10, new ConcurrencySettings(true, 4, 10, 1000, Duration.ofSeconds(30)).initial());
    assertEquals(2, new ConcurrencySettings(true, 4, 1, 2, Duration.ofSeconds(30)).initial());
  }
}
