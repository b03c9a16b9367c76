package io.flowmesh.runtime.service;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a function on an owning context and hands its result back on the caller's context (or on
 * the owner's when the caller has none), so an HTTP handler never touches engine state and
 * engine code never writes an HTTP response.
 */
public final class OnContext {

  private OnContext() {
  }

  /** Calls {@code fn} on {@code owner}; the future completes on the caller's context. */
  public static <T> Future<T> call(Context owner, Supplier<T> fn) {
    return compose(owner, () -> Future.succeededFuture(fn.get()));
  }

  /** Calls {@code fn} on {@code owner} and waits for its future; completes on the caller's context. */
  public static <T> Future<T> compose(Context owner, Supplier<Future<T>> fn) {
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    owner.runOnContext(v -> {
      Future<T> f;
      try {
        f = fn.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (caller == null || caller == owner) {
          promise.handle(ar);
        } else {
          caller.runOnContext(x -> promise.handle(ar));
        }
      });
    });
    return promise.future();
  }
}
