package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.testing.OnLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Waiters}' timeouts on a real Vert.x event loop: one timer for many requests, each request timed
 * out in deadline order and never before its own deadline, an answered one never timed out.
 */
class WaitersTest {

  private Vertx vertx;
  private Context ctx;
  private SimpleMeterRegistry registry;
  private Waiters waiters;

  /** One request as the test sees it: when it was accepted, its timeout, and what became of it. */
  private static final class Req {
    final int index;
    final long timeoutMillis;
    Waiter waiter;
    long acceptedNanos;
    volatile Answer answer;
    volatile long answeredNanos;

    Req(int index, long timeoutMillis) {
      this.index = index;
      this.timeoutMillis = timeoutMillis;
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
    registry = new SimpleMeterRegistry();
    ServingConfig config = new ServingConfig(Duration.ofSeconds(20), Duration.ofSeconds(25), 100_000, Duration.ofMinutes(5),
        10_000, 64L << 20, Duration.ofSeconds(30), 10);
    waiters = OnLoop.call(ctx, () -> new Waiters(vertx, config, new ServingMetrics(registry)));
  }

  @AfterEach
  void stop() {
    OnLoop.await(vertx.close(), 20_000);
  }

  /** Opens and accepts {@code req} on the event loop; its answer is recorded with the time it came. */
  private void accept(Req req, List<Req> completed) {
    Waiter w = waiters.open(Waiter.Mode.SYNC, 1, req.timeoutMillis);
    assertNotNull(w, "a slot for request " + req.index);
    req.waiter = w;
    w.promise.future().onComplete(ar -> {
      req.answeredNanos = System.nanoTime();
      req.answer = ar.result();
      completed.add(req);
    });
    req.acceptedNanos = System.nanoTime(); // before accepted(): its deadline is at least this + the timeout
    waiters.accepted(w, "req-" + req.index);
  }

  private double count(String outcome) {
    return registry.get("flowmesh.source.serving.requests").tag("mode", "sync").tag("outcome", outcome).counter().count();
  }

  @Test
  void requestsWithDifferentTimeoutsTimeOutInDeadlineOrderEachNotBeforeItsOwnDeadline() {
    // 12 distinct timeouts (more than Deadlines.LANES, so some go to the heap), two requests for some,
    // taken in a shuffled order; one request with a far timeout stays behind them all.
    List<Req> reqs = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      reqs.add(new Req(reqs.size(), 300 + 150L * k));
      if (k % 3 == 0) {
        reqs.add(new Req(reqs.size(), 300 + 150L * k));
      }
    }
    Collections.shuffle(reqs, new Random(18));
    Req far = new Req(reqs.size(), 20_000);
    List<Req> completed = new CopyOnWriteArrayList<>();
    OnLoop.run(ctx, () -> {
      for (Req r : reqs) {
        accept(r, completed);
      }
      accept(far, completed);
    });

    OnLoop.until(() -> completed.size() >= reqs.size(), 30_000, () -> completed.size() + " of " + reqs.size() + " timed out");
    // Not held for the far one's timer: all came well before that far deadline, which still waits.
    assertNull(far.answer, "the request with the far timeout still waits");
    List<Req> expected = new ArrayList<>(reqs);
    expected.sort(Comparator.comparingLong((Req r) -> r.acceptedNanos + TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis)));
    assertEquals(indexes(expected), indexes(completed), "timed out in deadline order (by index)");
    for (Req r : reqs) {
      assertEquals(Answer.Outcome.TIMEOUT, r.answer.outcome(), "request " + r.index);
      long waited = r.answeredNanos - r.acceptedNanos;
      assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis),
          "request " + r.index + " timed out after " + waited / 1_000 + " µs, before its " + r.timeoutMillis + " ms");
    }
    assertEquals(1, OnLoop.call(ctx, waiters::pending));
    assertEquals(reqs.size(), count("timeout"));
  }

  @Test
  void anAnsweredRequestNeverTimesOutAndOnesBehindItStill() {
    List<Req> completed = new CopyOnWriteArrayList<>();
    List<Req> reqs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      reqs.add(new Req(i, 300));
    }
    // The even ones are answered at once, the odd ones never: the timer is armed for a request answered
    // by the time it fires, and must still time out the ones behind it.
    OnLoop.run(ctx, () -> {
      for (Req r : reqs) {
        accept(r, completed);
        if (r.index % 2 == 0) {
          waiters.acked(r.waiter, null);
        }
      }
    });
    // One more, taken once everything before it is done: its timer is armed after the others' fired.
    OnLoop.until(() -> completed.size() == reqs.size(), 30_000, () -> completed.size() + " of " + reqs.size() + " done");
    Req late = new Req(reqs.size(), 300);
    Req lateAnswered = new Req(reqs.size() + 1, 200);
    OnLoop.run(ctx, () -> {
      accept(lateAnswered, completed);
      waiters.acked(lateAnswered.waiter, null);
      accept(late, completed);
    });
    OnLoop.until(() -> late.answer != null, 30_000, () -> "the last request timed out");

    for (Req r : reqs) {
      assertEquals(r.index % 2 == 0 ? Answer.Outcome.ANSWERED : Answer.Outcome.TIMEOUT, r.answer.outcome(), "request " + r.index);
    }
    assertEquals(Answer.Outcome.ANSWERED, lateAnswered.answer.outcome());
    assertEquals(Answer.Outcome.TIMEOUT, late.answer.outcome());
    assertTrue(late.answeredNanos - late.acceptedNanos >= TimeUnit.MILLISECONDS.toNanos(300), "not before its deadline");
    assertEquals(reqs.size() + 2, completed.size(), "each answered once");
    assertEquals(101, count("answered"));
    assertEquals(101, count("timeout"));
    assertEquals(0, OnLoop.call(ctx, waiters::pending));
  }

  @Test
  void tenThousandRequestsWithOneTimeoutArmAHandfulOfTimers() {
    List<Req> completed = new CopyOnWriteArrayList<>();
    // Answered ones, in batches (acks arrive between them): the timeout is far, one timer serves all.
    for (int batch = 0; batch < 10; batch++) {
      int first = batch * 1_000;
      OnLoop.run(ctx, () -> {
        List<Req> open = new ArrayList<>();
        for (int i = first; i < first + 1_000; i++) {
          Req r = new Req(i, 20_000);
          accept(r, completed);
          open.add(r);
        }
        for (Req r : open) {
          waiters.acked(r.waiter, null);
        }
      });
    }
    OnLoop.until(() -> completed.size() == 10_000, 30_000, () -> completed.size() + " answered");
    assertEquals(1, OnLoop.call(ctx, waiters::timersArmed), "10,000 answered requests with one timeout");
    assertTrue(OnLoop.call(ctx, waiters::deadlinesHeld) <= 64, "answered requests are not held until their deadline");

    // 10,000 that all time out: armed again at most once per tick over the spread of their deadlines.
    List<Req> timedOut = new CopyOnWriteArrayList<>();
    long[] spread = new long[2];
    OnLoop.run(ctx, () -> {
      spread[0] = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        accept(new Req(10_000 + i, 300), timedOut);
      }
      spread[1] = System.nanoTime();
    });
    OnLoop.until(() -> timedOut.size() == 10_000, 60_000, () -> timedOut.size() + " timed out");
    for (Req r : timedOut) {
      assertEquals(Answer.Outcome.TIMEOUT, r.answer.outcome(), "request " + r.index);
      assertTrue(r.answeredNanos - r.acceptedNanos >= TimeUnit.MILLISECONDS.toNanos(300), "request " + r.index + " timed out early");
    }
    long ticks = TimeUnit.NANOSECONDS.toMillis(spread[1] - spread[0]) / Waiters.TICK_MILLIS;
    long armed = OnLoop.call(ctx, waiters::timersArmed) - 1;
    assertTrue(armed <= ticks + 3, armed + " timers for 10,000 timeouts taken over " + ticks + " ticks");
    assertEquals(0, OnLoop.call(ctx, waiters::deadlinesHeld));
  }

  private static List<Integer> indexes(List<Req> reqs) {
    List<Integer> out = new ArrayList<>();
    for (Req r : reqs) {
      out.add(r.index);
    }
    return out;
  }
}
