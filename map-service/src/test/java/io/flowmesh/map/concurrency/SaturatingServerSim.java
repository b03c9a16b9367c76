package io.flowmesh.map.concurrency;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event model of map-service in front of a UDF that serves at most K elements at once
 * (first come, first served; 95% take 1 ms, 5% take 50 ms), on a virtual clock: the engine keeps
 * {@code min(limit, input)} elements in flight, each crossing a 0.1 ms network hop each way, and
 * hands every answer to the limiter. Nothing here sleeps; a run of seconds takes milliseconds.
 *
 * <p>With {@link #cpu} set, the model is CPU-bound instead: every element also passes, on its way
 * to the UDF and on its way back, through one shared event loop that works in turns. A turn takes
 * every element waiting when it starts and lasts {@code turn + perElement·m + perPair·m²} for m
 * elements (a fixed cost per wake-up, work per element, and a cost that grows with the batch: cache
 * and GC pressure). The call time then grows with the number in flight although no element waits
 * for a UDF server, and throughput still rises with it up to {@code m = √(turn / perPair)}.
 */
final class SaturatingServerSim {

  static final long HOP = 100_000;

  private static final int ARRIVE = 0;
  private static final int DONE = 1;
  private static final int ANSWER = 2;
  private static final int TURN_END = 3;

  /** The event loop's costs per turn, nanoseconds: fixed, per element, per pair of elements. */
  record Cpu(long turn, long perElement, double perPair) {
  }

  private record Event(long at, long sentAt, int kind, long seq) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final SplittableRandom random = new SplittableRandom(7);
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final ArrayDeque<Long> line = new ArrayDeque<>();
  final AdaptiveLimit limit;
  int servers;
  int input = Integer.MAX_VALUE;
  int busy;
  int inFlight;
  long now;
  long answered;
  /** Extra service time, nanoseconds, added to every element (a UDF that got slower). */
  long slower;
  long errors;
  /** The CPU-bound model, or null: elements reach the UDF and the engine without waiting for a core. */
  Cpu cpu;
  /** A fixed limit instead of the limiter's (0: the limiter's), for sweeps to compare with. */
  int fixed;
  private final ArrayDeque<long[]> cpuWaiting = new ArrayDeque<>();
  private final ArrayDeque<long[]> inTurn = new ArrayDeque<>();
  private boolean turning;

  SaturatingServerSim(int servers, ConcurrencySettings settings) {
    this.servers = servers;
    this.limit = new AdaptiveLimit(settings, () -> errors, n -> { }, 0);
  }

  static ConcurrencySettings auto(int min, int max) {
    return new ConcurrencySettings(true, 4, min, max, java.time.Duration.ofSeconds(30));
  }

  private long seq;

  /** Runs the model for {@code nanos} of virtual time. */
  void run(long nanos) {
    long end = now + nanos;
    fill();
    while (!events.isEmpty() && events.peek().at <= end) {
      Event e = events.poll();
      now = e.at;
      switch (e.kind) {
        case ARRIVE -> {
          if (busy < servers) {
            busy++;
            serve(e.sentAt);
          } else {
            line.add(e.sentAt);
          }
        }
        case DONE -> {
          busy--;
          if (cpu != null) { // the answer waits for the event loop
            cpuWaiting.add(new long[] {e.sentAt, 1});
            startTurn();
          }
          while (busy < servers && !line.isEmpty()) {
            busy++;
            serve(line.poll());
          }
        }
        case TURN_END -> {
          turning = false;
          for (long[] w : inTurn) {
            add(now + HOP, w[0], w[1] == 0 ? ARRIVE : ANSWER);
          }
          inTurn.clear();
          startTurn();
        }
        default -> {
          limit.onSample(now - e.sentAt, inFlight, now);
          inFlight--;
          answered++;
          fill();
        }
      }
    }
    now = end;
  }

  private void serve(long sentAt) {
    long service = (random.nextDouble() < 0.95 ? 1_000_000 : 50_000_000) + slower;
    add(now + service, sentAt, DONE);
    if (cpu == null) {
      add(now + service + HOP, sentAt, ANSWER);
    }
  }

  /** The event loop takes everything waiting, if it is idle. */
  private void startTurn() {
    if (turning || cpuWaiting.isEmpty()) {
      return;
    }
    int m = cpuWaiting.size();
    inTurn.addAll(cpuWaiting);
    cpuWaiting.clear();
    turning = true;
    add(now + cpu.turn() + cpu.perElement() * m + (long) (cpu.perPair() * m * m), 0, TURN_END);
  }

  private void add(long at, long sentAt, int kind) {
    events.add(new Event(at, sentAt, kind, seq++));
  }

  private void fill() {
    while (inFlight < Math.min(fixed > 0 ? fixed : limit.limit(), input)) {
      inFlight++;
      if (cpu == null) {
        add(now + HOP, now, ARRIVE);
      } else { // the request waits for the event loop
        cpuWaiting.add(new long[] {now, 0});
      }
    }
    if (cpu != null) {
      startTurn();
    }
  }
}
