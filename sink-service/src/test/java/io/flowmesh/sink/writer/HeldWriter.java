package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A message writer for tests that keeps what it is given and answers only when the test says:
 * each {@link #send} stays pending until {@link #release} (everything written) or {@link #fail}
 * (everything failed), unless {@link #answerAtOnce} was set. Lets a test see that a batch is not
 * done (so not acked) while a write it depends on is outstanding.
 *
 * <p>Concurrency: thread-safe (synchronized); answers on the sender's context.
 */
public final class HeldWriter implements SinkWriter {

  private final List<EdgeMessage> got = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();
  private boolean atOnce;

  private record Pending(Promise<BitSet> promise, Context context, int size) {
  }

  /** From now on answers every send at once, all written. */
  public synchronized HeldWriter answerAtOnce() {
    atOnce = true;
    return this;
  }

  @Override
  public boolean sendsMessages() {
    return true;
  }

  @Override
  public synchronized Future<BitSet> send(List<EdgeMessage> batch) {
    got.addAll(batch);
    if (atOnce) {
      return Future.succeededFuture(new BitSet());
    }
    Promise<BitSet> p = Promise.promise();
    pending.add(new Pending(p, Vertx.currentContext(), batch.size()));
    return p.future();
  }

  /** From now on holds every send until {@link #release} or {@link #fail}. */
  public synchronized HeldWriter hold() {
    atOnce = false;
    return this;
  }

  /** Messages given so far, in order. */
  public synchronized List<EdgeMessage> got() {
    return List.copyOf(got);
  }

  /** Sends still unanswered. */
  public synchronized int held() {
    return pending.size();
  }

  /** Answers every held send: all written. */
  public void release() {
    answer(false);
  }

  /** Answers every held send: all failed. */
  public void fail() {
    answer(true);
  }

  private void answer(boolean failAll) {
    List<Pending> now;
    synchronized (this) {
      now = List.copyOf(pending);
      pending.clear();
    }
    for (Pending p : now) {
      BitSet result = new BitSet();
      if (failAll) {
        result.set(0, p.size());
      }
      if (p.context() == null) {
        p.promise().complete(result);
      } else {
        p.context().runOnContext(v -> p.promise().complete(result));
      }
    }
  }

  @Override
  public String lastError() {
    return "held writer told to fail";
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
    throw new UnsupportedOperationException("sends messages");
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return Future.failedFuture(new UnsupportedOperationException("sends messages"));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String describe() {
    return "held";
  }
}
