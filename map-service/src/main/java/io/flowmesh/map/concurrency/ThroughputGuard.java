package io.flowmesh.map.concurrency;

/**
 * The throughput half of {@link AdaptiveLimit}: measures answers per second at each limit and
 * hill-climbs on them where the latency signal says hold or shrink.
 *
 * <p>A rising call time is not always a queue in the UDF: when the CPU is short, the event loops
 * wait for a core, every call takes longer the more are in flight, and yet more get through per
 * second. The latency signal alone then holds the limit low. This guard decides by the throughput,
 * with the latency as tie-breaker:
 * <ul>
 *   <li>A <em>level</em> is a stretch at one limit, at least {@value #LEVEL_WINDOWS} windows and
 *       enough answers that its rate is about {@value #PRECISION} exact: the count of answers of
 *       calls whose times vary with coefficient of variation {@code cv} is exact to about
 *       {@code cv/√n}, so {@code n ≥ (cv/PRECISION)²}, within [{@value #LEVEL_ANSWERS},
 *       {@value #MAX_LEVEL_ANSWERS}]. Each measurement starts a new one, so a rate is recent.</li>
 *   <li>A <em>trial</em> moves the limit for one level: up by {@value #TRIAL_STEP}× while a climb
 *       is paying (else by the latency signal's own small step, {@code max(1, √limit/2)}), or down
 *       to 1/{@value #TRIAL_STEP}. Up pays if the rate rose by at least {@value #GAIN} per full step
 *       (a smaller step: in proportion) and the median RTTs do not say it fell (see
 *       {@link #verdict}); down, if it fell by at most {@value #LOSS} (as much for fewer in flight:
 *       less latency).</li>
 *   <li>A trial that paid is kept and followed at once by the next the same way; one that did not
 *       goes back, and the next, the other way, waits 1 s, doubled per failure in a row up to 8 s.</li>
 *   <li>The limit the last verdict kept is the <em>floor</em>: the latency signal may not shrink
 *       below it. It is dropped when the rate at it fell below {@value #STALE} of its best (the UDF
 *       or the machine changed) and on errors. Without a floor trials start only where the latency
 *       signal holds, so without evidence the latency rules.</li>
 * </ul>
 * Against a UDF that saturates at K, a trial above finds no gain and goes back: a few excursions
 * of one step. Nothing is allocated; confined to the instance's event loop like its owner.
 */
final class ThroughputGuard {

  /** A trial moves the limit by this factor, up or down. */
  static final double TRIAL_STEP = 1.25;
  /** A trial up by a full step pays when the rate rose by at least this fraction (a smaller step: in proportion). */
  static final double GAIN = 0.05;
  /** A trial down pays when the rate fell by no more than this fraction. */
  static final double LOSS = 0.03;
  static final int LEVEL_WINDOWS = 3;
  static final int LEVEL_ANSWERS = 256;
  static final int MAX_LEVEL_ANSWERS = 20_000;
  /** The relative standard error a level's rate is measured to. */
  static final double PRECISION = 0.04;
  /** The wait before the next trial after one that did not pay; doubled per failure in a row, up to the next constant. */
  static final long COOLDOWN_NANOS = 1_000_000_000L;
  static final long MAX_COOLDOWN_NANOS = 8_000_000_000L;
  /** The floor is dropped when the rate at it fell below this fraction of its best. */
  static final double STALE = 0.75;

  // the level
  private int levelWindows;
  private long levelAnswers;
  private long levelFirstNanos;
  /** Sum and sum of squares of the level's call times (milliseconds), for their coefficient of variation. */
  private double levelRttSum;
  private double levelRttSquares;
  /** Sum of the level's window RTTs (medians), nanoseconds. */
  private double levelMedians;
  /** The last measured level's answers per second; 0 before the first. */
  private double rate;
  /** The last measured level's typical RTT: the mean of its windows' medians, nanoseconds. */
  private double rtt;

  // the trials
  private int base;
  private double baseRate;
  private double baseRtt;
  private boolean up;
  /** The last trial went up and paid: the next up goes a full step. */
  private boolean climbing;
  private boolean nextUp = true;
  private int failures;
  private long nextTrialNanos;
  private long trials;
  private long paid;
  private int floor;
  private double floorRate;

  /** One answer at the current limit, after {@code rttNanos}. */
  void sample(long rttNanos, long now) {
    if (levelAnswers == 0) {
      levelFirstNanos = now;
    }
    levelAnswers++;
    double ms = rttNanos / 1e6;
    levelRttSum += ms;
    levelRttSquares += ms * ms;
  }

  /** A window closed with median RTT {@code windowRtt}: true if that completed a level, whose rate is then {@link #rate()}. */
  boolean measure(long now, long windowRtt) {
    levelWindows++;
    levelMedians += windowRtt;
    if (levelWindows < LEVEL_WINDOWS || levelAnswers < answersNeeded() || now <= levelFirstNanos) {
      return false;
    }
    rate = levelAnswers * 1e9 / (now - levelFirstNanos);
    rtt = levelMedians / levelWindows;
    newLevel();
    return true;
  }

  private long answersNeeded() {
    double mean = levelRttSum / levelAnswers;
    double variance = Math.max(0, levelRttSquares / levelAnswers - mean * mean);
    double cv = mean > 0 ? Math.sqrt(variance) / mean : 0;
    return (long) Math.min(MAX_LEVEL_ANSWERS, Math.max(LEVEL_ANSWERS, (cv / PRECISION) * (cv / PRECISION)));
  }

  /** The limit changed (or a fresh start at it): the level starts again. */
  void newLevel() {
    levelWindows = 0;
    levelMedians = 0;
    levelAnswers = 0;
    levelRttSum = 0;
    levelRttSquares = 0;
  }

  /**
   * A level was measured at {@code applied} and the latency signal says hold or shrink, for a mild
   * queue ({@code holds}) or a large one: the limit a trial should go to now, or 0 for none (then
   * the latency signal's step, through {@link #atLeastFloor}).
   */
  double trial(int applied, double limit, boolean holds, boolean inputReached, int min, int max, long now) {
    if (floor > 0 && applied == floor) {
      if (rate < floorRate * STALE) {
        floor = 0; // far less gets through at the floor than when it was set: start over
        failures = 0;
        nextUp = true;
        nextTrialNanos = now;
      } else {
        floorRate = Math.max(floorRate, rate);
      }
    }
    if (!(floor > 0 || holds) || now - nextTrialNanos < 0 || !inputReached) {
      return 0;
    }
    if (nextUp ? applied >= max : applied <= min) {
      nextUp = !nextUp; // at a bound: the other way next time
      return 0;
    }
    base = applied;
    baseRate = rate;
    baseRtt = rtt;
    up = nextUp;
    trials++;
    double upTo = climbing ? limit * TRIAL_STEP : limit + Math.max(1, Math.sqrt(limit) / 2);
    return up ? Math.max(applied + 1, upTo) : Math.min(applied - 1, limit / TRIAL_STEP);
  }

  /**
   * The trial's level was measured: the limit to keep (the trial's, {@code applied}, or its base).
   * Up pays if the counted rate rose by {@value #GAIN} per {@value #TRIAL_STEP}× of raise (in
   * proportion for a smaller step) and Little's law on the median RTTs ({@code limit / rtt}) does
   * not say it fell: the median is far steadier than a count when a few calls are very slow, and
   * against a UDF saturating at K it rises with every element added to the line, so a count that
   * rose by chance does not make a raise pay there. Down pays if neither estimate fell by more than
   * {@value #LOSS}.
   */
  int verdict(int applied, long now) {
    double counted = rate / baseRate;
    double little = rtt > 0 ? ((double) applied / base) * (baseRtt / rtt) : counted;
    double need = 1 + GAIN / (TRIAL_STEP - 1) * ((double) applied / base - 1);
    boolean paidOff = up ? counted >= need && little >= 1 : Math.min(counted, little) >= 1 - LOSS;
    climbing = paidOff && up;
    if (paidOff) {
      paid++;
      failures = 0;
      floor = applied;
      floorRate = rate;
      nextUp = up;
      nextTrialNanos = now;
      return applied;
    }
    failures = Math.min(failures + 1, 30);
    nextUp = !up;
    nextTrialNanos = now + Math.min(COOLDOWN_NANOS << Math.min(failures - 1, 20), MAX_COOLDOWN_NANOS);
    floor = base; // it beat its neighbour
    floorRate = baseRate;
    return base;
  }

  /** The latency signal's {@code next} limit, not below the floor if it shrinks. */
  double atLeastFloor(double next, double limit) {
    return next < limit && floor > 0 ? Math.max(next, Math.min(limit, floor)) : next;
  }

  /** Errors or timeouts: the floor's evidence no longer holds. */
  void drop() {
    floor = 0;
    climbing = false;
  }

  /** The limit the current trial started from. */
  int base() {
    return base;
  }

  double rate() {
    return rate;
  }

  int floor() {
    return floor;
  }

  long trials() {
    return trials;
  }

  long paid() {
    return paid;
  }
}
