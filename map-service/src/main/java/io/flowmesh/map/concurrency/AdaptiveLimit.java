package io.flowmesh.map.concurrency;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The in-flight limit of one map instance under {@code map.concurrency=auto}: it follows the
 * UDF's latency and its errors between {@code min} and {@code max}.
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
  /** A throughput trial moves the limit by this factor, up or down. */
  static final double TRIAL_STEP = 1.25;
  /** A trial up pays when the throughput rose by at least this fraction; one down, when it fell by no more than {@link #LOSS}. */
  static final double GAIN = 0.05;
  static final double LOSS = 0.03;
  /**
   * A level's throughput counts after at least {@value #LEVEL_WINDOWS} windows and enough answers
   * for a relative standard error of about {@value #PRECISION}: a count of answers of calls whose
   * times vary with a coefficient of variation {@code cv} is that exact to about {@code cv/√n}, so
   * {@code n ≥ (cv / PRECISION)²}, at least {@value #LEVEL_ANSWERS}, at most {@value #MAX_LEVEL_ANSWERS}.
   */
  static final int LEVEL_WINDOWS = 3;
  static final int LEVEL_ANSWERS = 256;
  static final int MAX_LEVEL_ANSWERS = 20_000;
  static final double PRECISION = 0.025;
  /** The wait before the next trial after one that did not pay; doubled per failure in a row, up to the next constant. */
  static final long TRIAL_COOLDOWN_NANOS = 1_000_000_000L;
  static final long MAX_TRIAL_COOLDOWN_NANOS = 8_000_000_000L;
  /** The floor is dropped when the throughput at it fell below this fraction of what it was (the UDF or the machine changed). */
  static final double STALE = 0.75;

  /** Where the limiter is. */
  public enum Phase {
    /** Doubling per window until the first sign of queueing. */
    SLOW_START,
    /** Small steps around where the UDF saturates. */
    STEADY,
    /** The limit halved for one window, measuring the RTT without queueing again. */
    PROBING,
    /** A throughput trial: the limit one step up or down for one level, kept only if that got more through (up) or as much (down). */
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

  // the throughput guard: the level (time at one limit) and the trials
  private int levelWindows;
  private long levelAnswers;
  private long levelFirstNanos;
  /** Sum and sum of squares of the level's call times (milliseconds), for their coefficient of variation. */
  private double levelRttSum;
  private double levelRttSquares;
  /** The last measured level's answers per second; 0 before the first. */
  private double rate;
  /** The limit a trial started from, and that level's rate. */
  private int trialBase;
  private double trialBaseRate;
  /** The lowest limit the latency signal may shrink to: the last raise that paid (0: none), and its rate. */
  private int floor;
  private double floorRate;
  private long nextTrialNanos;
  private boolean trialUp;
  /** The last trial went up and paid: the next goes up by a full step. */
  private boolean climbing;
  private boolean nextTrialUp = true;
  private int failedTrials;
  private long trials;
  private long paidTrials;

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
    if (levelAnswers == 0) {
      levelFirstNanos = nowNanos;
    }
    levelAnswers++;
    double ms = rttNanos / 1e6;
    levelRttSum += ms;
    levelRttSquares += ms * ms;
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
    double from = phase == Phase.PROBING ? beforeProbe : phase == Phase.TRIAL ? trialBase : limit;
    phase = Phase.STEADY;
    floor = 0;
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
    levelWindows++;
    rttNanos = rtt;
    boolean measured = levelWindows >= LEVEL_WINDOWS && levelAnswers >= levelAnswersNeeded() && now > levelFirstNanos;
    if (measured) {
      rate = levelAnswers * 1e9 / (now - levelFirstNanos);
      clearLevel(); // the next measurement at this limit starts here: the rate is always a recent one
    }
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
        endTrial(now);
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
    if (phase == Phase.STEADY && now - nextProbeNanos >= 0 && next > min) {
      beforeProbe = Math.min(max, Math.max(next, floor));
      phase = Phase.PROBING;
      set(Math.ceil(beforeProbe / 2), now, true);
      return;
    }
    if (next <= limit && phase == Phase.STEADY && measured) {
      // the RTT says hold or shrink: the throughput has a say first
      if (floor > 0 && applied == floor) {
        if (rate < floorRate * STALE) {
          floor = 0; // far less gets through at the floor than when it was set: conditions changed, start over
          failedTrials = 0;
          nextTrialUp = true;
          nextTrialNanos = now;
        } else {
          floorRate = Math.max(floorRate, rate);
        }
      }
      // without a floor (no trial evidence yet) the latency signal shrinks first; trials start where it holds
      if ((floor > 0 || next == limit) && now - nextTrialNanos >= 0 && peak >= applied) {
        if (nextTrialUp ? applied < max : applied > min) {
          startTrial(nextTrialUp, now);
          return;
        }
        nextTrialUp = !nextTrialUp; // at a bound: the other way next time
      }
    }
    if (next < limit && floor > 0) {
      next = Math.max(next, Math.min(limit, floor));
    }
    set(next, now, false);
  }

  /** Moves the limit one {@link #TRIAL_STEP} up or down for one level, remembering where it came from. */
  private void startTrial(boolean up, long now) {
    trialBase = applied;
    trialBaseRate = rate;
    trialUp = up;
    trials++;
    phase = Phase.TRIAL;
    // up: a full step while a climb is paying, else the latency signal's own small step first
    double upTo = climbing ? limit * TRIAL_STEP : limit + Math.max(1, Math.sqrt(limit) / 2);
    set(up ? Math.max(applied + 1, upTo) : Math.min(applied - 1, limit / TRIAL_STEP), now, true);
  }

  /**
   * A trial's level is measured. Up pays if at least {@link #GAIN} more got through; down pays if
   * no more than {@link #GAIN} less did (as much for fewer in flight: less latency). A trial that
   * paid is kept, becomes the floor and is followed by the next in the same direction at once; one
   * that did not goes back (the base becomes the floor: it beat its neighbour), and the next trial,
   * the other way, waits.
   */
  private void endTrial(long now) {
    boolean paid = trialUp ? rate >= trialBaseRate * (1 + GAIN) : rate >= trialBaseRate * (1 - LOSS);
    phase = Phase.STEADY;
    climbing = paid && trialUp;
    if (paid) {
      paidTrials++;
      failedTrials = 0;
      floor = applied;
      floorRate = rate;
      nextTrialUp = trialUp;
      nextTrialNanos = now;
      set(limit, now, true);
      return;
    }
    failedTrials = Math.min(failedTrials + 1, 30);
    nextTrialUp = !trialUp;
    nextTrialNanos = now + Math.min(TRIAL_COOLDOWN_NANOS << Math.min(failedTrials - 1, 20), MAX_TRIAL_COOLDOWN_NANOS);
    floor = trialBase;
    floorRate = trialBaseRate;
    set(trialBase, now, true);
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
      clearLevel();
    }
    if (whole != applied) {
      applied = whole;
      onChange.accept(whole);
    }
  }

  /** Answers the level needs for its rate to be about {@link #PRECISION} exact. */
  private long levelAnswersNeeded() {
    double mean = levelRttSum / levelAnswers;
    double variance = Math.max(0, levelRttSquares / levelAnswers - mean * mean);
    double cv = mean > 0 ? Math.sqrt(variance) / mean : 0;
    double n = (cv / PRECISION) * (cv / PRECISION);
    return (long) Math.min(MAX_LEVEL_ANSWERS, Math.max(LEVEL_ANSWERS, n));
  }

  private void clearLevel() {
    levelWindows = 0;
    levelAnswers = 0;
    levelRttSum = 0;
    levelRttSquares = 0;
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
    return rate;
  }

  /** The lowest limit the latency signal may shrink to, set by the last throughput trial that paid; 0 for none. */
  public int floor() {
    return floor;
  }

  /** Throughput trials started, and those that paid (more got through, so the raise was kept). */
  public long trials() {
    return trials;
  }

  public long paidTrials() {
    return paidTrials;
  }

  /** Times errors or timeouts shrank the limit. */
  public long backoffs() {
    return backoffs;
  }
}
