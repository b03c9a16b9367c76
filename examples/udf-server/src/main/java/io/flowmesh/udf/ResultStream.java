package io.flowmesh.udf;

/**
 * Where a {@link StreamMapHandler} sends the results of one element.
 *
 * <h2>Concurrency</h2>
 * Usable from any thread; the calls for one element must not overlap. Calls made off the
 * server's event loop are carried over to it, in the order made.
 */
public interface ResultStream {

  /**
   * Sends one result now (a response with the element's id). A result with the drop tag
   * ({@link MapResult#drop()}) is sent as it is: the client drops it.
   *
   * @throws IllegalStateException after {@link #end()} or {@link #fail(Throwable)}
   */
  void send(MapResult result);

  /**
   * Ends the element: its end of transmission follows the results sent.
   *
   * @throws IllegalStateException if already ended or failed
   */
  void end();

  /**
   * Fails the whole {@code MapFn} stream (gRPC INTERNAL, {@code UDF_EXECUTION_ERROR(map): ...}),
   * as a thrown exception does; the client resends what was in flight.
   *
   * @throws IllegalStateException if already ended or failed
   */
  void fail(Throwable cause);
}
