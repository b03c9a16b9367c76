package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.udf.GrpcFrameReader;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;

/**
 * One {@code Subscribe} call served on its HTTP/2 stream directly, without Vert.x's gRPC server: what
 * the upstream sends is a gRPC frame it encoded itself, prefix included, in one array
 * ({@link EdgeCodec}), where the gRPC server would copy every frame twice more (the encoder's
 * {@code toByteArray} into a buffer, then into another with the prefix). Reading splits the body
 * with {@link GrpcFrameReader}, which refuses an oversized frame from its prefix alone.
 *
 * <p>What a gRPC client sees is unchanged: {@code content-type: application/grpc}, frames, and the
 * status in the trailers ({@code grpc-status}, percent-encoded {@code grpc-message}), or in the
 * headers alone (trailers-only) when the call ends before anything was sent.
 *
 * <h2>Concurrency</h2>
 * Confined to the edge server's event loop, where Vert.x delivers the stream's events.
 */
final class EdgeCall {

  /** The path of {@code flowmesh.edge.v1.Edge/Subscribe}. */
  static final String PATH = "/flowmesh.edge.v1.Edge/Subscribe";

  /** What the call's reader hears. */
  interface Events {
    /** One whole frame, without its prefix: a slice of what Vert.x delivered. */
    void onFrame(Buffer frame);

    /** A frame over {@code edge.max-frame-bytes}; nothing more is read. */
    void onTooLarge(long size);

    /** The body is not a stream of gRPC frames; nothing more is read. */
    void onMalformed(String detail);

    /** The subscriber ended its side of the stream. */
    void onEnd();

    /** The stream was reset or its connection lost; {@code where} says which side saw it. */
    void onFailure(String where, Throwable cause);
  }

  /** The HTTP/2 error code CANCEL (RFC 9113, section 7), what a gRPC server resets a call with. */
  private static final long HTTP2_CANCEL = 0x8;

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private boolean ended;

  EdgeCall(HttpServerRequest request) {
    this.request = request;
    this.response = request.response();
  }

  /** Starts reading; frames over {@code maxFrameBytes} are refused from their prefix. */
  void read(int maxFrameBytes, Events events) {
    GrpcFrameReader reader = new GrpcFrameReader(maxFrameBytes, "edge.max-frame-bytes", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        events.onFrame(message);
        return !ended;
      }

      @Override
      public void onTooLarge(long size, int max, String key) {
        events.onTooLarge(size);
      }

      @Override
      public void onMalformed(String detail) {
        events.onMalformed(detail);
      }
    });
    request.handler(reader::feed);
    request.endHandler(v -> events.onEnd());
    request.exceptionHandler(e -> events.onFailure("stream reset", e));
    response.exceptionHandler(e -> events.onFailure("stream failed", e));
  }

  MultiMap headers() {
    return request.headers();
  }

  HttpConnection connection() {
    return request.connection();
  }

  /** Writes a whole gRPC frame, prefix included ({@link EdgeCodec}). */
  void write(byte[] frame) {
    if (!response.headWritten()) {
      response.putHeader("content-type", "application/grpc");
    }
    response.write(BufferInternal.buffer(Unpooled.wrappedBuffer(frame)));
  }

  /** Writes a small message as one frame. */
  void write(com.google.protobuf.MessageLite message) {
    write(GrpcFrames.frame(message));
  }

  boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  /**
   * Ends the call with {@code status} (and {@code message}, unless null): in the trailers, or in
   * the headers when nothing was sent yet.
   *
   * @throws IllegalStateException when the stream is already closed
   */
  void end(GrpcStatus status, String message) {
    ended = true;
    MultiMap where;
    if (response.headWritten()) {
      where = response.trailers();
    } else {
      response.putHeader("content-type", "application/grpc");
      where = response.headers();
    }
    where.set("grpc-status", Integer.toString(status.code));
    if (message != null && status != GrpcStatus.OK) {
      where.set("grpc-message", percentEncode(message));
    }
    response.end();
  }

  /** Resets the stream (CANCEL), so the subscriber stops sending. */
  void cancel() {
    ended = true;
    response.reset(HTTP2_CANCEL);
  }

  /**
   * A {@code grpc-message} value: UTF-8, with every byte outside printable ASCII and {@code %}
   * itself as {@code %XX} (the gRPC over HTTP/2 spec).
   */
  static String percentEncode(String message) {
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(utf8.length);
    for (byte b : utf8) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
