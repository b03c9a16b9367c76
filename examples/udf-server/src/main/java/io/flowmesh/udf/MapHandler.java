package io.flowmesh.udf;

import io.vertx.core.Future;
import java.util.List;

/**
 * The user's map function: given one element, the results it maps to.
 *
 * <p>An empty list, or a list holding {@link MapResult#drop()}, drops the element. A failed
 * future (or a thrown exception) fails the whole {@code MapFn} stream with gRPC status INTERNAL
 * and a message starting {@code UDF_EXECUTION_ERROR}, as the Numaflow SDKs do.
 *
 * <p>A handler that answers at once should return an already completed future
 * ({@link Future#succeededFuture(Object)}): the server then writes the answer in the same
 * event-loop turn as the request, and answers written in one turn share one flush.
 *
 * <h2>Concurrency</h2>
 * Called on the server's event loop, one element at a time; must not block. The returned future
 * may be completed from any thread.
 */
@FunctionalInterface
public interface MapHandler {

  /**
   * Maps one element.
   *
   * @param datum the element; immutable
   * @return its results, possibly later; never {@code null}
   */
  Future<List<MapResult>> apply(Datum datum);
}
