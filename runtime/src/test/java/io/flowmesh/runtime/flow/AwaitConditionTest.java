package io.flowmesh.runtime.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AwaitCondition#until}: checked at once, then on timers of the caller's context, until true, the deadline, or a throw. */
class AwaitConditionTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    OnLoop.await(vertx.close(), 10_000);
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aConditionThatHoldsAtOnceCompletesTrueInTheSameTurn() {
    Future<Boolean> f = OnLoop.call(loop, () -> {
      Future<Boolean> done = AwaitCondition.until(vertx, () -> true, in(1_000));
      assertTrue(done.isComplete(), "no timer for a condition that already holds");
      return done;
    });
    assertTrue(OnLoop.await(f, 1_000));
  }

  @Test
  void aConditionThatComesToHoldIsCheckedAgainOnTheCallersEventLoopUntilItDoes() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    CompletableFuture<Thread> checkedOn = new CompletableFuture<>();
    Thread owner = OnLoop.call(loop, Thread::currentThread);
    Future<Boolean> f = OnLoop.call(loop, () -> AwaitCondition.until(vertx, () -> {
      if (Thread.currentThread() != owner) {
        checkedOn.complete(Thread.currentThread());
      }
      return checks.incrementAndGet() == 5;
    }, in(10_000)));
    assertTrue(OnLoop.await(f, 10_000));
    assertEquals(5, checks.get());
    assertFalse(checkedOn.isDone(), "checked off its event loop: " + checkedOn.getNow(null));
  }

  @Test
  void aConditionThatNeverHoldsCompletesFalseOnceTheDeadlinePassed() {
    AtomicInteger checks = new AtomicInteger();
    long start = System.nanoTime();
    Future<Boolean> f = OnLoop.call(loop, () -> AwaitCondition.until(vertx, () -> {
      checks.incrementAndGet();
      return false;
    }, in(100)));
    assertFalse(OnLoop.await(f, 10_000));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "not before the deadline");
    assertTrue(checks.get() >= 2, "checked more than once: " + checks.get());
  }

  @Test
  void aConditionThatThrowsFailsTheWaitWithWhatItThrewAndIsNotCheckedAgain() throws Exception {
    IllegalStateException boom = new IllegalStateException("no state");
    AtomicInteger checks = new AtomicInteger();
    Future<Boolean> f = OnLoop.call(loop, () -> AwaitCondition.until(vertx, () -> {
      if (checks.incrementAndGet() == 3) {
        throw boom;
      }
      return false;
    }, in(10_000)));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    f.onFailure(failure::complete);
    assertSame(boom, failure.get(10, TimeUnit.SECONDS));
    Thread.sleep(5 * AwaitCondition.INTERVAL_MILLIS);
    assertEquals(3, checks.get());
  }
}
