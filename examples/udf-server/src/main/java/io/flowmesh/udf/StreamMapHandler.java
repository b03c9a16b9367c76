package io.flowmesh.udf;

/**
 * The user's stream-map function ({@code MAP_MODE=stream-map}): given one element, it sends its
 * results one by one as they are ready, then ends, through the {@link ResultStream} it is given.
 * Each result goes out at once as a response carrying the element's id, and {@link ResultStream#end()}
 * sends the element's end of transmission; many elements are in flight at once and their
 * responses interleave. Sending nothing and ending drops the element.
 *
 * <p>A thrown exception, or {@link ResultStream#fail(Throwable)}, fails the whole {@code MapFn}
 * stream with gRPC status INTERNAL and a message starting {@code UDF_EXECUTION_ERROR}, as for a
 * {@link MapHandler}. An element never ended stays unanswered (the client's timeout then applies).
 *
 * <h2>Concurrency</h2>
 * Called on the server's event loop, one element at a time; must not block. The
 * {@link ResultStream} may be used later and from any thread, one call at a time per element:
 * results sent from one thread go out in the order sent.
 */
@FunctionalInterface
public interface StreamMapHandler {

  /**
   * Starts mapping one element; its results go to {@code out}, which must be ended once.
   *
   * @param datum the element; immutable
   * @param out where its results go, then its end
   */
  void apply(Datum datum, ResultStream out);
}
