package io.flowmesh.udf.impl;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.ResponseRewriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code MapFn} call: checks the handshake, calls the handler for each element and writes
 * its answer ({@link MapCall} pauses the requests while the response's write queue is full). Subclasses decide
 * when elements are mapped and when the stream ends.
 *
 * <h2>Concurrency</h2>
 * Confined to the event-loop thread that opened the call.
 */
abstract class MapStream implements MapCall.Events {

  private static final Logger LOG = LoggerFactory.getLogger(MapStream.class);

  private final MapCall call;
  private final MapHandler handler;
  /** Rewrites answers before they are written; {@code null} writes them as they are. */
  private final ResponseRewriter rewriter;
  /** The context of the call, where late answers are brought back. */
  private final Context context;
  /** The thread that owns this stream's state. */
  private final Thread owner;
  /** Whether the client's handshake has been received and answered. */
  private boolean handshaken;
  /** Whether the client has half-closed: no more requests will come. */
  private boolean clientEnded;
  /** Whether the response has ended (normally or with an error), or the call was reset. */
  private boolean closed;

  /** {@code handler} may be null for a stream whose subclass calls its own function (never {@link #map} then). */
  MapStream(MapCall call, MapHandler handler, ResponseRewriter rewriter) {
    this.call = call;
    this.handler = handler;
    this.rewriter = rewriter;
    this.context = Vertx.currentContext();
    this.owner = Thread.currentThread();
  }

  /** Starts reading the call's requests. */
  final void start() {
    call.start(this);
  }

  @Override
  public final void onClientEnd() {
    clientEnded = true;
    onClientEnded();
  }


  /** An element request (or an end of transmission) that came after the handshake. */
  protected abstract void onRequest(MapRequest message);

  /** The client half-closed; {@link #clientEnded()} is now true. */
  protected abstract void onClientEnded();

  /** The answer to element {@code id} was written (or handed to the rewriter). */
  protected abstract void onAnswered(String id);

  protected final boolean clientEnded() {
    return clientEnded;
  }

  protected final boolean closed() {
    return closed;
  }

  @Override
  public final void onMessage(MapRequest message) {
    if (closed) {
      return;
    }
    if (handshaken) {
      if (message.hasHandshake()) {
        fail(GrpcStatus.INVALID_ARGUMENT, "unexpected handshake after the first MapFn request");
      } else {
        onRequest(message);
      }
    } else if (message.hasHandshake() && message.getHandshake().getSot()) {
      handshaken = true;
      write(Responses.HANDSHAKE);
    } else {
      fail(GrpcStatus.INVALID_ARGUMENT,
          "invalid handshake: the first MapFn request must carry handshake { sot: true }");
    }
  }

  /** Calls the handler for one element; its answer is written when its future completes. */
  protected final void map(Datum datum) {
    Future<List<MapResult>> results;
    try {
      results = handler.apply(datum);
      if (results == null) {
        results = Future.failedFuture(new NullPointerException("MapHandler returned null"));
      }
    } catch (RuntimeException e) {
      results = Future.failedFuture(e);
    }
    if (results.isComplete()) {
      complete(datum, results);
    } else {
      Future<List<MapResult>> later = results;
      later.onComplete(ignored -> onOwner(() -> complete(datum, later)));
    }
  }

  /** Runs {@code action} now if on the stream's event-loop thread, else there, after what is already queued. */
  protected final void onOwner(Runnable action) {
    if (Thread.currentThread() == owner) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void complete(Datum datum, Future<List<MapResult>> results) {
    if (closed) {
      return;
    }
    if (results.failed()) {
      handlerFailed(datum.id(), results.cause());
      return;
    }
    List<MapResult> list = results.result();
    emit(Responses.answer(datum.id(), list == null ? List.of() : list));
    onAnswered(datum.id());
  }

  /** The user's function failed on element {@code id}: the stream ends with INTERNAL, as in the SDKs. */
  protected final void handlerFailed(String id, Throwable cause) {
    if (closed) {
      return;
    }
    LOG.error("map handler failed, failing the stream: id={}", id, cause);
    fail(GrpcStatus.INTERNAL, "UDF_EXECUTION_ERROR(map): " + describe(cause));
  }

  /** Writes an answer, through the rewriter if there is one. */
  protected final void emit(MapResponse answer) {
    if (rewriter == null) {
      write(answer);
    } else {
      for (MapResponse rewritten : rewriter.rewrite(answer)) {
        write(rewritten);
      }
    }
  }

  /** Queues one response for this turn's write (nothing once the call is over). */
  protected final void write(MapResponse message) {
    if (!closed) {
      call.write(message);
    }
  }

  /** Ends the call with status OK. */
  protected final void end() {
    if (!closed) {
      closed = true;
      call.end();
    }
  }

  /** Ends the call with an error status; the first failure wins. */
  protected final void fail(GrpcStatus status, String message) {
    if (closed) {
      return;
    }
    closed = true;
    if (status != GrpcStatus.INTERNAL) {
      LOG.warn("failing MapFn stream: status={} reason={}", status, message);
    }
    call.fail(status, message);
  }

  @Override
  public final void onReset(Throwable cause) {
    if (!closed) {
      closed = true;
      LOG.debug("MapFn stream closed by the client or the connection: {}", cause.toString());
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getName() : cause.getClass().getSimpleName() + ": " + message;
  }
}
