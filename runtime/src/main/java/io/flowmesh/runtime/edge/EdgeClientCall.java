package io.flowmesh.runtime.edge;

import com.google.protobuf.MessageLite;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
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
 * batch in 16 KB DATA frames was copied about four times over). Here {@link io.flowmesh.proto.grpc.GrpcFrameReader} hands
 * whole frames on as slices of what Vert.x delivered and copies only a frame cut by a DATA frame's
 * end, into a buffer of its size once its prefix is known.
 *
 * <h2>Concurrency</h2>
 * Confined to the subscriber's event loop.
 */
final class EdgeClientCall {

  /** What the subscriber hears. */
  interface Events extends CallReader.Listener {
    /** The upstream ended the stream with {@code status} (UNKNOWN when it sent none or one we do not know) and {@code message} (null: none). */
    void onEnd(GrpcStatus status, String message);

    /** The stream failed ({@code where}: what was going on), was reset, or what answered is not a gRPC server. */
    void onFailure(String where, Throwable cause);
  }

  /** The HTTP/2 error code CANCEL (RFC 9113, section 7). */
  static final long HTTP2_CANCEL = 0x8;

  private final HttpClientRequest request;
  /** Reads the upstream's frames once its response head came; null before. */
  private CallReader reader;

  EdgeClientCall(HttpClientRequest request) {
    this.request = request;
  }

  /** What {@code HttpClient.request} needs for a call to the upstream at {@code address}. */
  static RequestOptions requestOptions(SocketAddress address) {
    return new RequestOptions().setMethod(HttpMethod.POST).setServer(address).setHost(address.host())
        .setPort(address.port()).setURI(EdgeCall.PATH).putHeader("content-type", "application/grpc")
        .putHeader("te", "trailers");
  }

  /**
   * Starts the call: {@code token} (the authorization header, or null) goes with the first frame,
   * which the caller writes next; what the upstream sends goes to {@code events}.
   */
  void start(String token, int maxFrameBytes, Events events) {
    // HTTP/2 has no chunked encoding; this only tells Vert.x that the body length is open.
    request.setChunked(true);
    if (token != null) {
      request.putHeader(SubscriberAuth.METADATA_KEY, token);
    }
    request.exceptionHandler(e -> events.onFailure("stream failed", e));
    request.response().onComplete(ar -> onHead(ar, maxFrameBytes, events));
  }

  private void onHead(AsyncResult<HttpClientResponse> ar, int maxFrameBytes, Events events) {
    if (ar.failed()) {
      events.onFailure("no response from upstream", ar.cause());
      return;
    }
    HttpClientResponse resp = ar.result();
    String type = resp.getHeader("content-type");
    if (resp.statusCode() != 200) {
      notGrpc(resp, "HTTP status " + resp.statusCode(), events);
      return;
    }
    if (!resp.headers().contains("grpc-status") && (type == null || !type.startsWith("application/grpc"))) {
      notGrpc(resp, "content-type '" + type + "', not application/grpc", events);
      return;
    }
    reader = new CallReader(maxFrameBytes, events);
    resp.exceptionHandler(e -> events.onFailure("stream failed", e));
    resp.handler(reader::feed);
    resp.endHandler(v -> {
      if (!reader.endedCleanly()) {
        return;
      }
      String message = GrpcStatusHeaders.message(resp.headers(), resp.trailers());
      events.onEnd(status(GrpcStatusHeaders.status(resp.headers(), resp.trailers())), message.isEmpty() ? null : message);
    });
  }

  /**
   * What answered is not a gRPC server: the stream is reset, and the subscriber redials as for a lost
   * one. The reset's own echo on the response is expected and not reported again (Vert.x would log
   * it as an error, once per redial).
   */
  private void notGrpc(HttpClientResponse resp, String what, Events events) {
    resp.exceptionHandler(e -> { });
    request.reset(HTTP2_CANCEL);
    events.onFailure("no gRPC response from upstream", new IllegalStateException(what + "; is it a Flowmesh edge server?"));
  }

  /** A grpc-status as sent: UNKNOWN when missing, not a number or not a code gRPC defines (the gRPC spec's rule). */
  static GrpcStatus status(String code) {
    if (code == null) {
      return GrpcStatus.UNKNOWN;
    }
    try {
      GrpcStatus s = GrpcStatus.valueOf(Integer.parseInt(code.trim()));
      return s == null ? GrpcStatus.UNKNOWN : s;
    } catch (NumberFormatException e) {
      return GrpcStatus.UNKNOWN;
    }
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
    if (reader != null) {
      reader.stop();
    }
    request.reset(HTTP2_CANCEL);
  }
}
