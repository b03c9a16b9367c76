package io.flowmesh.sink.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a function on an owning context and hands its result back on the caller's context (or on
 * the owner's when the caller has none), so HTTP handlers never touch engine state.
 */
final class OnContext {

  private OnContext() {
  }

  static <T> Future<T> call(Context owner, Supplier<T> fn) {
    return compose(owner, () -> Future.succeededFuture(fn.get()));
  }

  static <T> Future<T> compose(Context owner, Supplier<Future<T>> fn) {
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
