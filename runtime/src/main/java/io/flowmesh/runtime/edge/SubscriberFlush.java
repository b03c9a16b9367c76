package io.flowmesh.runtime.edge;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * When an {@link EdgeSubscriber} writes what it owes its upstream — acks, nacks, replies and credit
 * gathered in its {@link SubscriberSession} — in one flush: at most once per event-loop turn, and
 * for acks alone up to {@code edge.ack-delay} later.
 *
 * <p>Acks wait for company because a vertex that finishes messages one by one (a map whose UDF
 * answers out of order) would otherwise cost its upstream a frame, a read and a wake-up per
 * message. They go at the end of the turn instead when {@code edge.max-batch} of them wait, when a
 * nack or a reply is among them (a request/response caller waits for its reply), when the turn
 * flushes anyway (credit), or when the delay is zero. Held acks are settled already, so they count
 * against no credit window here; upstream, whatever waits on acks (a map's output capacity, an
 * {@code /ingest?wait=acked} caller) waits up to the delay longer.
 *
 * <p>Concurrency: owned by its subscriber's event loop.
 */
final class SubscriberFlush {

  private final Vertx vertx;
  private final Context context;
  private final EdgeOptions options;
  /** {@code edge.ack-delay} in milliseconds (0: no waiting). */
  private final long delayMillis;
  private final Supplier<SubscriberSession> session;
  private final Handler<Void> flushTask = v -> flush();
  private final Handler<Long> timerTask = id -> {
    timer = -1;
    flush();
  };
  private boolean scheduled;
  /** The timer that flushes held acks, or -1. */
  private long timer = -1;

  SubscriberFlush(Vertx vertx, Context context, EdgeOptions options, Supplier<SubscriberSession> session) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.delayMillis = options.ackDelay().toMillis();
    this.session = session;
  }

  /** Flushes at the end of this turn (credit was granted, or a settlement must not wait). */
  void atTurnEnd() {
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(flushTask);
    }
  }

  /** A delivery was acked or nacked on the current stream: flushes when that is due. */
  void settled() {
    SubscriberSession s = session.get();
    if (scheduled || s == null) {
      return;
    }
    if (delayMillis == 0 || s.ackCount >= options.maxBatch() || s.nackCount > 0 || (s.replies != null && !s.replies.isEmpty())) {
      atTurnEnd();
    } else if (timer < 0) {
      timer = vertx.setTimer(delayMillis, timerTask);
    }
  }

  /** Writes what the current stream owes its upstream, now. */
  void flush() {
    scheduled = false;
    SubscriberSession s = session.get();
    if (s != null && !s.closed) {
      s.flush();
    }
  }

  /** No more timed flushes (the subscriber closes, and flushes itself). */
  void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
