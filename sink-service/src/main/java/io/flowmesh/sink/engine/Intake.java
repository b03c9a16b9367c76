package io.flowmesh.sink.engine;

import io.flowmesh.runtime.flow.TokenBucket;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides how much the sink's subscribers hand it, through their demand: everything
 * ({@code resume}) normally; nothing while held (the writer has a large batch waiting, a failed
 * write's backoff, stopping — then no credit either, {@link #stop}); and with a throttle,
 * {@code fetch(n)} per timer tick for the tokens earned. Held or throttled subscribers stop
 * granting credit once their input buffer is full, so the upstream slows down.
 *
 * <p>Concurrency: not thread-safe; owned by one sink verticle's event loop.
 */
final class Intake {

  /** Reasons to hold, as bits. */
  static final int WRITER = 1;
  static final int BACKOFF = 2;
  static final int STOPPING = 4;

  private final List<EdgeSubscriber> subscribers = new ArrayList<>();
  private final TokenBucket throttle;
  private int holds;
  private int cursor;

  /** @param throttle the rate limit, or null for none */
  Intake(TokenBucket throttle) {
    this.throttle = throttle;
  }

  /** Adds a subscriber before it is started, paused when it may not flow freely. */
  void add(EdgeSubscriber s) {
    subscribers.add(s);
    if (throttle != null || holds != 0) {
      s.pause();
    }
    if ((holds & STOPPING) != 0) {
      s.holdCredit(true);
    }
  }

  void remove(EdgeSubscriber s) {
    subscribers.remove(s);
  }

  boolean held() {
    return holds != 0;
  }

  /**
   * The sink is stopping: nothing more is handed to it and no more credit is granted, so the
   * upstream sends the rest to other subscribers (another replica of this sink when it is scaled
   * down); what the input buffers hold goes back upstream when the edges close.
   */
  void stop() {
    hold(STOPPING);
    for (EdgeSubscriber s : subscribers) {
      s.holdCredit(true);
    }
  }

  void hold(int reason) {
    boolean wasFlowing = holds == 0;
    holds |= reason;
    if (wasFlowing) {
      for (EdgeSubscriber s : subscribers) {
        s.pause();
      }
    }
  }

  void release(int reason) {
    if ((holds & reason) == 0) {
      return;
    }
    holds &= ~reason;
    if (holds == 0 && throttle == null) {
      for (int i = 0; i < subscribers.size() && holds == 0; i++) {
        subscribers.get(i).resume();
      }
    }
  }

  /** With a throttle: hands out the tokens earned since the last tick, subscriber by subscriber. */
  void tick(long nowNanos) {
    if (throttle == null) {
      return;
    }
    throttle.refill(nowNanos);
    int n = subscribers.size();
    for (int i = 0; i < n && holds == 0 && throttle.available() > 0; i++) {
      EdgeSubscriber s = subscribers.get((cursor + i) % n);
      int before = s.buffered();
      s.fetch(throttle.available());
      s.pause();
      throttle.take(Math.min(throttle.available(), before - s.buffered()));
    }
    cursor = n == 0 ? 0 : (cursor + 1) % n;
  }
}
