package io.flowmesh.runtime.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test helpers to run code on an event loop and wait for it from the test thread. */
public final class OnLoop {

  private OnLoop() {
  }

  /** Runs {@code fn} on {@code ctx} and returns its result (10 s at most). */
  public static <T> T call(Context ctx, Supplier<T> fn) {
    CompletableFuture<T> f = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        f.complete(fn.get());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return join(f, 10_000);
  }

  /** Runs {@code fn} on {@code ctx} and waits for it. */
  public static void run(Context ctx, Runnable fn) {
    call(ctx, () -> {
      fn.run();
      return null;
    });
  }

  /** Waits for a future that is completed on some event loop. */
  public static <T> T await(Future<T> future, long timeoutMillis) {
    CompletableFuture<T> f = new CompletableFuture<>();
    future.onComplete(ar -> {
      if (ar.succeeded()) {
        f.complete(ar.result());
      } else {
        f.completeExceptionally(ar.cause());
      }
    });
    return join(f, timeoutMillis);
  }

  /** Runs {@code fn} on {@code ctx}, which returns a future, and waits for that future. */
  public static <T> T awaitOn(Context ctx, Supplier<Future<T>> fn) {
    Future<T> f = call(ctx, fn);
    return await(f, 30_000);
  }

  /** Polls {@code condition} every 10 ms until it holds; fails with {@code what} after the timeout. */
  public static void until(BooleanSupplier condition, long timeoutMillis, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for: " + what.get());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  private static <T> T join(CompletableFuture<T> f, long timeoutMillis) {
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("timed out or interrupted after " + timeoutMillis + " ms", e);
    }
  }
}
