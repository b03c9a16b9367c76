package io.flowmesh.runtime.flow;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * Waits without blocking for a condition on an event loop's own state: checks it at once, then
 * every {@value #INTERVAL_MILLIS} ms on the same context, until it holds or a deadline passes. For
 * a graceful stop that waits for acks: an edge server's drain, a Kafka partition's revoke, a
 * user-defined source's close.
 *
 * <p>Concurrency: call it on the event loop that owns the state {@code done} reads; every check
 * and the completion run there.
 */
public final class AwaitCondition {

  /** How often the condition is checked again. */
  public static final long INTERVAL_MILLIS = 10;

  private AwaitCondition() {
  }

  /**
   * @param done the condition, checked at once and after each interval; it may do work of its own
   *     first (flush what it waits for)
   * @param deadlineNanos the {@link System#nanoTime()} after which the wait gives up
   * @return completes with true once {@code done} held, with false when the deadline passed first;
   *     fails with what {@code done} threw, if it threw (it is not checked again)
   */
  public static Future<Boolean> until(Vertx vertx, BooleanSupplier done, long deadlineNanos) {
    Promise<Boolean> result = Promise.promise();
    Handler<Long> check = new Handler<>() {
      @Override
      public void handle(Long timer) {
        boolean held;
        try {
          held = done.getAsBoolean();
        } catch (RuntimeException | Error e) {
          result.fail(e);
          return;
        }
        if (held) {
          result.complete(true);
        } else if (System.nanoTime() - deadlineNanos > 0) {
          result.complete(false);
        } else {
          vertx.setTimer(INTERVAL_MILLIS, this);
        }
      }
    };
    check.handle(0L);
    return result.future();
  }
}
