package io.flowmesh.map.concurrency;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event model of map-service in front of a UDF that serves at most K elements at once
 * (first come, first served; 95% take 1 ms, 5% take 50 ms), on a virtual clock: the engine keeps
 * {@code min(limit, input)} elements in flight, each crossing a 0.1 ms network hop each way, and
 * hands every answer to the limiter. Nothing here sleeps; a run of seconds takes milliseconds.
 */
final class SaturatingServerSim {

  static final long HOP = 100_000;

  private static final int ARRIVE = 0;
  private static final int DONE = 1;
  private static final int ANSWER = 2;

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
          while (busy < servers && !line.isEmpty()) {
            busy++;
            serve(line.poll());
          }
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
    add(now + service + HOP, sentAt, ANSWER);
  }

  private void add(long at, long sentAt, int kind) {
    events.add(new Event(at, sentAt, kind, seq++));
  }

  private void fill() {
    while (inFlight < Math.min(limit.limit(), input)) {
      inFlight++;
      add(now + HOP, now, ARRIVE);
    }
  }
}
