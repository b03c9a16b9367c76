package io.flowmesh.map.concurrency;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The in-flight limit of one map instance under {@code map.concurrency=auto}: it follows the
 * UDF's latency, the throughput and the errors between {@code min} and {@code max}.
 *
 * <h2>How it works</h2>
 * Every answered element gives one sample: its call time (RTT) and the elements in flight when it
 * completed. Samples fill a <em>window</em> of at least {@code max(16, limit)} answers (about one
 * round trip of the whole limit); the limit moves only when a window closes, never per element.
 * A window's RTT is the median of its samples, robust to a skewed service time. The lowest window
 * RTT seen is {@code minRtt}, the UDF's latency without queueing. As in TCP Vegas and Netflix's
 * concurrency-limits, the elements waiting inside the UDF are estimated from Little's law:
 * {@code queue = inFlight · (1 − minRtt / rtt)}; a server that saturates at K elements makes that
 * about {@code inFlight − K}.
 * <ul>
 *   <li>queue below {@code alpha = max(3, limit/10)} and the limit was reached in the window (not
 *       short of input): the limit grows, doubling while in slow start, else by
 *       {@code max(1, sqrt(limit)/2)};</li>
 *   <li>queue above {@code beta = max(6, limit/5)}: slow start ends and the limit shrinks by half
 *       the excess over {@code (alpha + beta) / 2}, at most by half;</li>
 *   <li>between them it holds; so it settles at about K plus a few: the UDF stays busy, and what
 *       waits in it is a small fraction of what it serves.</li>
 * </ul>
 * Errors or timeouts (retried or failed elements, counted by the UDF client) shrink the limit to
 * {@value #ERROR_BACKOFF} of itself at once, at most once per {@link #tick}, as AIMD does. A
 * {@code minRtt} only ever falls, so every {@code probeInterval} it is measured again, as Envoy's
 * adaptive concurrency filter does: for one window the limit is halved (below where any queue
 * forms), that window's RTT becomes the new {@code minRtt}, and the limit goes back. After every
 * change of the limit, samples of elements sent before it are left out.
 *
 * <h2>The throughput guard</h2>
 * A rising RTT is not always a queue in the UDF (the CPU may be short), so wherever the latency
 * signal says hold or shrink, a {@link ThroughputGuard} may step in: it hill-climbs on answers per
 * second with trials one step up or down, and keeps a floor the latency signal may not shrink below.
 *
 * <h2>Concurrency</h2>
 * Confined to the map instance's event loop; not thread-safe. {@link #limit()} and the state
 * getters may be read elsewhere (a metrics scrape), seeing a slightly stale value.
 */
public final class AdaptiveLimit {

  /** Fewest answers in a window. */
  static final int MIN_WINDOW = 16;
  /** Samples kept per window; a longer window keeps the last ones. */
  static final int CAPACITY = 2048;
  /** The limit kept on an error or timeout. */
  static final double ERROR_BACKOFF = 0.75;
  /** Where the limiter is. */
  public enum Phase {
    /** Doubling per window until the first sign of queueing. */
    SLOW_START,
    /** Small steps around where the UDF saturates. */
    STEADY,
    /** The limit halved for one window, measuring the RTT without queueing again. */
    PROBING,
    /** A throughput trial ({@link ThroughputGuard}): the limit one step up or down for one level. */
    TRIAL
  }

  private final int min;
  private final int max;
  private final long probeIntervalNanos;
  private final LongSupplier errors;
  private final IntConsumer onChange;

  private double limit;
  /** The whole limit last handed to {@code onChange}. */
  private int applied;
  private Phase phase = Phase.SLOW_START;
  private long minRttNanos;
  private long rttNanos;
  private double queue;
  private double beforeProbe;
  private long nextProbeNanos;
  private long errorsSeen;
  private long windows;
  private long backoffs;

  private final ThroughputGuard guard = new ThroughputGuard();

  // the window
  private final long[] samples = new long[CAPACITY];
  private int count;
  private long inFlightSum;
  private int peakInFlight;
  /** Samples of elements sent before this (the last change of the limit) are left out. */
  private long windowStartNanos;

  /**
   * @param errors a counter that grows on every failed attempt (timeouts, UDF errors)
   * @param onChange told the new whole limit whenever it changes (not for the initial one)
   */
  public AdaptiveLimit(ConcurrencySettings settings, LongSupplier errors, IntConsumer onChange, long nowNanos) {
    if (!settings.auto()) {
      throw new IllegalArgumentException("an adaptive limit needs map.concurrency=auto, not " + settings.describe());
    }
    this.min = settings.min();
    this.max = settings.max();
    this.probeIntervalNanos = settings.probeInterval().toNanos();
    this.errors = errors;
    this.onChange = onChange;
    this.applied = settings.initial();
    this.limit = applied;
    this.errorsSeen = errors.getAsLong();
    this.windowStartNanos = nowNanos;
  }

  /**
   * One element was answered after {@code rttNanos}; {@code inFlight} elements (it included)
   * were in the UDF.
   */
  public void onSample(long rttNanos, int inFlight, long nowNanos) {
    if (nowNanos - rttNanos < windowStartNanos) {
      return; // sent under an earlier limit
    }
    guard.sample(rttNanos, nowNanos);
    samples[count & (CAPACITY - 1)] = rttNanos;
    count++;
    inFlightSum += inFlight;
    if (inFlight > peakInFlight) {
      peakInFlight = inFlight;
    }
    if (count >= Math.max(MIN_WINDOW, applied)) {
      endWindow(nowNanos);
    }
  }

  /** Called periodically: errors or timeouts since the last call shrink the limit. */
  public void tick(long nowNanos) {
    long e = errors.getAsLong();
    if (e == errorsSeen) {
      return;
    }
    errorsSeen = e;
    backoffs++;
    double from = phase == Phase.PROBING ? beforeProbe : phase == Phase.TRIAL ? guard.base() : limit;
    phase = Phase.STEADY;
    guard.drop();
    scheduleProbe(nowNanos);
    set(from * ERROR_BACKOFF, nowNanos, true);
  }

  private void endWindow(long now) {
    int n = Math.min(count, CAPACITY);
    Arrays.sort(samples, 0, n);
    long rtt = samples[n / 2];
    double meanInFlight = (double) inFlightSum / count;
    int peak = peakInFlight;
    clearWindow();
    windows++;
    rttNanos = rtt;
    boolean measured = guard.measure(now, rtt);
    if (phase == Phase.PROBING) {
      minRttNanos = rtt;
      phase = Phase.STEADY;
      scheduleProbe(now);
      set(beforeProbe, now, true);
      return;
    }
    if (minRttNanos == 0 || rtt < minRttNanos) {
      minRttNanos = rtt;
    }
    queue = meanInFlight * (1 - (double) minRttNanos / rtt);
    double alpha = Math.max(3, limit / 10);
    double beta = Math.max(6, limit / 5);
    if (phase == Phase.TRIAL) {
      if (measured) {
        phase = Phase.STEADY;
        set(guard.verdict(applied, now), now, true);
      }
      return;
    }
    double next = limit;
    if (queue > beta) {
      leaveSlowStart(now);
      next = Math.max(limit / 2, limit - Math.max(1, (queue - (alpha + beta) / 2) / 2));
    } else if (queue < alpha) {
      if (peak >= applied) {
        next = phase == Phase.SLOW_START ? limit * 2 : limit + Math.max(1, Math.sqrt(limit) / 2);
      }
    } else {
      leaveSlowStart(now);
    }
    // a mild queue (up to 2·beta) may be the CPU, not the UDF: a shrink for it waits for the level's throughput
    boolean mild = queue <= 2 * beta;
    if (phase == Phase.STEADY && next < limit && mild && !measured) {
      next = limit;
    }
    if (phase == Phase.STEADY && now - nextProbeNanos >= 0 && next > min) {
      beforeProbe = Math.min(max, guard.atLeastFloor(next, limit));
      phase = Phase.PROBING;
      set(Math.ceil(beforeProbe / 2), now, true);
      return;
    }
    if (next <= limit && phase == Phase.STEADY && measured) {
      // the RTT says hold or shrink: the throughput has a say first
      double trial = guard.trial(applied, limit, mild, peak >= applied, min, max, now);
      if (trial > 0) {
        phase = Phase.TRIAL;
        set(trial, now, true);
        return;
      }
    }
    set(guard.atLeastFloor(next, limit), now, false);
  }

  private void leaveSlowStart(long now) {
    if (phase == Phase.SLOW_START) {
      phase = Phase.STEADY;
      scheduleProbe(now);
    }
  }

  private void scheduleProbe(long now) {
    nextProbeNanos = now + probeIntervalNanos;
  }

  /** Moves the limit to {@code next} within the bounds; {@code fresh}: start the next window from now even if the whole limit stays. */
  private void set(double next, long now, boolean fresh) {
    limit = Math.max(min, Math.min(max, next));
    int whole = (int) limit;
    if (whole != applied || fresh) {
      windowStartNanos = now;
      clearWindow();
      guard.newLevel();
    }
    if (whole != applied) {
      applied = whole;
      onChange.accept(whole);
    }
  }

  private void clearWindow() {
    count = 0;
    inFlightSum = 0;
    peakInFlight = 0;
  }

  /** The limit in force: most elements in the UDF at once. */
  public int limit() {
    return applied;
  }

  /** The lowest window RTT (the last probe's, or lower since), nanoseconds; 0 before the first window. */
  public long minRttNanos() {
    return minRttNanos;
  }

  /** The last window's RTT (median), nanoseconds; 0 before the first window. */
  public long rttNanos() {
    return rttNanos;
  }

  /** The last window's estimate of elements waiting inside the UDF. */
  public double queue() {
    return queue;
  }

  public Phase phase() {
    return phase;
  }

  /** Windows closed so far. */
  public long windows() {
    return windows;
  }

  /** The last measured level's answers per second (a level: a few windows at one limit); 0 before the first. */
  public double rate() {
    return guard.rate();
  }

  /** The lowest limit the latency signal may shrink to, kept by the last throughput trial; 0 for none. */
  public int floor() {
    return guard.floor();
  }

  /** Throughput trials started, and those that paid (more got through, so the raise was kept). */
  public long trials() {
    return guard.trials();
  }

  public long paidTrials() {
    return guard.paid();
  }

  /** Times errors or timeouts shrank the limit. */
  public long backoffs() {
    return backoffs;
  }
}
