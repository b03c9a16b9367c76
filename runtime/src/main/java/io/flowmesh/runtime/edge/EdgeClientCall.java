package io.flowmesh.runtime.edge;

import com.google.protobuf.MessageLite;
import io.flowmesh.runtime.udf.GrpcFrameReader;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.flowmesh.runtime.udf.GrpcStatusHeaders;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A subscriber's {@code Subscribe} call made on its HTTP/2 stream directly, without Vert.x's gRPC
 * client, whose deframer grows one buffer per frame by doubling as DATA frames arrive (a 130 KB
 * batch in 16 KB DATA frames was copied about four times over). Here {@link GrpcFrameReader} hands
 * whole frames on as slices of what Vert.x delivered and copies only a frame cut by a DATA frame's
 * end, once, into a buffer of its exact size.
 *
 * <h2>Concurrency</h2>
 * Confined to the subscriber's event loop.
 */
final class EdgeClientCall {

  /** What the subscriber hears. */
  interface Events {
    /** One whole frame, without its prefix. */
    void onFrame(Buffer frame);

    /** The upstream sent a frame over {@code edge.max-frame-bytes}; nothing more is read. */
    void onTooLarge(long size);

    /** The body or the response's head is not gRPC; nothing more is read. */
    void onMalformed(String detail);

    /** The upstream ended the stream with {@code status} (null: none sent) and {@code message} (null: none). */
    void onEnd(GrpcStatus status, String message);

    /** The stream failed ({@code where}: what was going on) or was reset. */
    void onFailure(String where, Throwable cause);
  }

  private final HttpClientRequest request;
  private boolean stopped;

  private EdgeClientCall(HttpClientRequest request) {
    this.request = request;
  }

  /** What {@code HttpClient.request} needs for a call to the upstream at {@code address}. */
  static RequestOptions requestOptions(SocketAddress address) {
    return new RequestOptions().setMethod(HttpMethod.POST).setServer(address).setHost(address.host())
        .setPort(address.port()).setURI(EdgeCall.PATH).putHeader("content-type", "application/grpc")
        .putHeader("te", "trailers");
  }

  /**
   * Starts the call on {@code request}: {@code headers} (e.g. the token) go with the first frame,
   * which the caller writes next; what the upstream sends goes to {@code events}.
   */
  static EdgeClientCall start(HttpClientRequest request, String token, int maxFrameBytes, Events events) {
    EdgeClientCall call = new EdgeClientCall(request);
    // HTTP/2 has no chunked encoding; this only tells Vert.x that the body length is open.
    request.setChunked(true);
    if (token != null) {
      request.putHeader(SubscriberAuth.METADATA_KEY, token);
    }
    request.exceptionHandler(e -> events.onFailure("stream failed", e));
    request.response().onComplete(ar -> call.onHead(ar, maxFrameBytes, events));
    return call;
  }

  private void onHead(AsyncResult<HttpClientResponse> ar, int maxFrameBytes, Events events) {
    if (ar.failed()) {
      events.onFailure("no response from upstream", ar.cause());
      return;
    }
    HttpClientResponse resp = ar.result();
    String type = resp.getHeader("content-type");
    if (resp.statusCode() != 200) {
      stopped = true;
      events.onMalformed("HTTP status " + resp.statusCode() + "; is it a Flowmesh edge server?");
      return;
    }
    if (!resp.headers().contains("grpc-status") && (type == null || !type.startsWith("application/grpc"))) {
      stopped = true;
      events.onMalformed("content-type '" + type + "' is not application/grpc");
      return;
    }
    GrpcFrameReader reader = new GrpcFrameReader(maxFrameBytes, "edge.max-frame-bytes", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        events.onFrame(message);
        return !stopped;
      }

      @Override
      public void onTooLarge(long size, int max, String key) {
        stopped = true;
        events.onTooLarge(size);
      }

      @Override
      public void onMalformed(String detail) {
        stopped = true;
        events.onMalformed(detail);
      }
    });
    resp.exceptionHandler(e -> events.onFailure("stream failed", e));
    resp.handler(reader::feed);
    resp.endHandler(v -> {
      String code = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
      GrpcStatus status = null;
      if (code != null) {
        try {
          status = GrpcStatus.valueOf(Integer.parseInt(code.trim()));
        } catch (NumberFormatException e) {
          status = GrpcStatus.UNKNOWN;
        }
      }
      String message = GrpcStatusHeaders.message(resp.headers(), resp.trailers());
      events.onEnd(status, message.isEmpty() ? null : message);
    });
  }

  /** Writes {@code frame} as one gRPC frame (the first also sends the headers). */
  void write(MessageLite frame) {
    request.write(BufferInternal.buffer(Unpooled.wrappedBuffer(GrpcFrames.frame(frame))));
  }

  /** Ends our side of the stream. @throws IllegalStateException when it has ended already */
  void end() {
    request.end();
  }

  /** Resets the stream (CANCEL); nothing more is read. */
  void cancel() {
    stopped = true;
    request.reset(0x8);
  }
}
