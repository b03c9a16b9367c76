package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The serving requests this source replica holds: each waits for the acks of its messages (which
 * bring the replies home), up to its timeout; at most {@code source.serving.max-pending} at once.
 * Answered async requests are kept for {@code source.serving.result-retention}, at most
 * {@code source.serving.max-results} of them and {@code source.serving.max-result-bytes} of their
 * outputs (the oldest answered goes first; one answer over the whole byte budget is kept as
 * {@link Answer.Outcome#TOO_LARGE}), for {@code /v1/process/fetch}, and streamed to the
 * {@link Listener}s ({@code /v1/process/sse}).
 *
 * <h2>Timeouts</h2>
 * No timer per request: the accepted requests are kept by deadline ({@link Deadlines}) and one Vert.x
 * timer is armed for the earliest; when it fires, every request whose deadline has passed times out
 * (504), done ones are skipped, and it is armed again for the next. A request never times out before
 * its deadline (accepted + its timeout) and at most {@value #TICK_MILLIS} ms after it, plus however long
 * the event loop is busy: the timer is moved earlier only for a request it would serve later than
 * that, and after firing it waits at least that tick, so requests whose deadlines fall within one tick
 * time out together. With one timeout for all (the default), a steady stream of requests answered in
 * time arms about one timer per timeout period.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop: timers and acks arrive there.
 */
final class Waiters {

  /** Told of async answers as they come; called on the source's event loop. */
  interface Listener {
    /** The one id it waits for, or null for every answer. */
    String id();

    /** {@code event}: the answer as its SSE event text, encoded once for every listener. */
    void answer(Answer a, String event);
  }

  /** How late a timeout may come, at most, beyond its deadline (plus event-loop delay); see the class doc. */
  static final long TICK_MILLIS = 10;
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);

  private final Vertx vertx;
  private final Deadlines deadlines = new Deadlines();
  /** The one handler of the deadline timer (no lambda per request). */
  private final Handler<Long> onDeadline = this::deadlinesDue;
  /** The armed deadline timer, or -1. */
  private long timer = -1;
  /** When the armed timer fires (nano time). */
  private long timerAtNanos;
  /** Deadline timers armed so far. */
  private long timersArmed;
  private final ServingConfig config;
  private final ServingMetrics metrics;
  private final Map<String, Waiter> asyncPending = new HashMap<>();
  /** Answered async requests, oldest answer first, with the nano time of their answer. */
  private final LinkedHashMap<String, Stored> results = new LinkedHashMap<>();
  /** Listeners for every answer. */
  private final List<Listener> listeners = new ArrayList<>();
  /** Listeners for one id, by that id. */
  private final Map<String, List<Listener>> byId = new HashMap<>();
  private int idListeners;
  private int pending;
  /** The bytes of the stored answers' outputs. */
  private long resultBytes;

  private record Stored(Answer answer, long atNanos, long bytes) {
  }

  Waiters(Vertx vertx, ServingConfig config, ServingMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    // Expired answers go on a timer too, not only on the next answer or fetch.
    long every = Math.max(10, Math.min(1000, config.retention().toMillis() / 2));
    vertx.setPeriodic(every, t -> evict(System.nanoTime()));
  }

  /** A new waiting request, or null when {@code max-pending} are waiting already (counted; answer 429). */
  Waiter open(Waiter.Mode mode, int messages, long timeoutMillis) {
    if (pending >= config.maxPending()) {
      metrics.full(mode);
      return null;
    }
    pending++;
    metrics.pending(pending);
    return new Waiter(mode, messages, timeoutMillis, mode == Waiter.Mode.ASYNC ? null : Promise.promise());
  }

  /** The request's messages are queued: its timeout starts. */
  void accepted(Waiter w, String id) {
    w.id = id;
    long now = System.nanoTime();
    w.deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(Math.max(1, w.timeoutMillis));
    if (deadlines.size() > 2 * pending + 64) {
      deadlines.compact(); // done entries outnumber live ones: O(held), at most every ~pending requests
    }
    deadlines.add(w);
    if (timer < 0 || timerAtNanos - w.deadlineNanos > TICK_NANOS) {
      arm(w.deadlineNanos, now);
    }
    if (w.mode == Waiter.Mode.ASYNC) {
      asyncPending.put(id, w);
    }
  }

  /** The request's messages were not queued (full, stopping): it waits no more. */
  void cancel(Waiter w, boolean full) {
    w.done = true;
    pending--;
    metrics.pending(pending);
    if (full) {
      metrics.full(w.mode);
    }
  }

  /**
   * The client of a sync or wait=acked request disconnected before its answer: its slot is freed at
   * once (its messages stay in the pipeline; their acks find it done).
   */
  void abandon(Waiter w) {
    if (w.done || w.mode == Waiter.Mode.ASYNC) {
      return;
    }
    w.done = true;
    pending--;
    metrics.pending(pending);
    metrics.gone(w.mode);
    deadlines.trim();
  }

  /** One of {@code w}'s messages was acked end to end with {@code reply} (null: none). */
  void acked(Waiter w, List<ReplyOutput> reply) {
    if (w.done) {
      return;
    }
    w.reply(reply);
    if (--w.remaining > 0) {
      return;
    }
    metrics.answered(w.mode);
    finish(w, w.answered());
  }

  /** Arms the one deadline timer (cancelling the one armed) to fire at {@code atNanos} or the next millisecond after. */
  private void arm(long atNanos, long nowNanos) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    long delayMillis = Math.max(1, (atNanos - nowNanos + 999_999) / 1_000_000);
    timerAtNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    timer = vertx.setTimer(delayMillis, onDeadline);
    timersArmed++;
  }

  /** The deadline timer fired: every request past its deadline times out; armed again for the next. */
  private void deadlinesDue(long id) {
    if (id != timer) {
      return;
    }
    timer = -1;
    long now = System.nanoTime();
    for (Waiter w = deadlines.pollExpired(now); w != null; w = deadlines.pollExpired(now)) {
      metrics.timeout(w.mode);
      finish(w, w.timedOut());
    }
    Waiter next = deadlines.head();
    if (next != null && (timer < 0 || timerAtNanos - next.deadlineNanos > TICK_NANOS)) {
      // at least a tick on, so the deadlines within it time out together
      arm(next.deadlineNanos - now < TICK_NANOS ? now + TICK_NANOS : next.deadlineNanos, now);
    }
  }

  private void finish(Waiter w, Answer a) {
    w.done = true;
    pending--;
    metrics.pending(pending);
    deadlines.trim();
    if (w.promise != null) {
      w.promise.complete(a);
      return;
    }
    asyncPending.remove(w.id);
    long bytes = bytes(a);
    if (bytes > config.maxResultBytes()) {
      a = new Answer(Answer.Outcome.TOO_LARGE, a.id(), null, a.messages(), a.timeoutMillis(),
          new Answer.Oversize(bytes, config.maxResultBytes()));
      bytes = 0;
    }
    long now = System.nanoTime();
    Stored old = results.put(w.id, new Stored(a, now, bytes));
    resultBytes += bytes - (old == null ? 0 : old.bytes());
    evict(now);
    List<Listener> forId = byId.remove(w.id);
    if (forId != null) {
      idListeners -= forId.size();
    }
    if (listeners.isEmpty() && forId == null) {
      return;
    }
    String event = ServingRoute.sseEvent(a);
    for (int i = listeners.size() - 1; i >= 0; i--) {
      listeners.get(i).answer(a, event);
    }
    if (forId != null) {
      for (Listener l : forId) {
        l.answer(a, event);
      }
    }
  }

  /**
   * An async request's answer; {@link Answer.Outcome#SUBMITTED} while it is not answered; null
   * when the id is unknown here (never submitted to this replica, or its result expired).
   */
  Answer fetch(String id) {
    evict(System.nanoTime());
    Stored s = results.get(id);
    if (s != null) {
      return s.answer();
    }
    Waiter w = asyncPending.get(id);
    return w == null ? null : new Answer(Answer.Outcome.SUBMITTED, id, null, w.messages, w.timeoutMillis);
  }

  /**
   * Streams answers to {@code l}: for one id already answered, at once (then it is done); otherwise
   * as they come ({@link #unlisten} when its client goes).
   */
  void listen(Listener l) {
    if (l.id() != null) {
      Answer a = fetch(l.id());
      if (a != null && a.outcome() != Answer.Outcome.SUBMITTED) {
        l.answer(a, ServingRoute.sseEvent(a));
        return;
      }
      byId.computeIfAbsent(l.id(), k -> new ArrayList<>(1)).add(l);
      idListeners++;
      return;
    }
    listeners.add(l);
  }

  void unlisten(Listener l) {
    if (l.id() == null) {
      listeners.remove(l);
      return;
    }
    List<Listener> forId = byId.get(l.id());
    if (forId != null && forId.remove(l)) {
      idListeners--;
      if (forId.isEmpty()) {
        byId.remove(l.id());
      }
    }
  }

  int pending() {
    return pending;
  }

  /** Deadline timers armed so far: one serves many requests (a seam for tests). */
  long timersArmed() {
    return timersArmed;
  }

  /** Requests the deadline queue holds, live and done (a seam for tests: done ones do not pile up). */
  int deadlinesHeld() {
    return deadlines.size();
  }

  int results() {
    return results.size();
  }

  /** Open {@code /v1/process/sse} streams. */
  int listeners() {
    return listeners.size() + idListeners;
  }

  /** The bytes of stored async answers' outputs (at most {@code source.serving.max-result-bytes}). */
  long resultBytes() {
    return resultBytes;
  }

  /** What an answer holds: its outputs as serialized (protobuf caches the size); 0 for none. */
  private static long bytes(Answer a) {
    List<ReplyOutput> outputs = a.outputs();
    if (outputs == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0, size = outputs.size(); i < size; i++) {
      n += outputs.get(i).getSerializedSize();
    }
    return n;
  }

  /** Drops the oldest answers while too many, too many bytes, or expired. */
  private void evict(long now) {
    long retention = config.retention().toNanos();
    Iterator<Stored> it = results.values().iterator();
    while (it.hasNext()) {
      Stored s = it.next();
      if (results.size() > config.maxResults() || resultBytes > config.maxResultBytes() || now - s.atNanos() > retention) {
        it.remove();
        resultBytes -= s.bytes();
      } else {
        break;
      }
    }
    metrics.resultBytes(resultBytes);
  }
}
