package io.flowmesh.runtime.edge;

import com.google.protobuf.MessageLite;
import io.flowmesh.runtime.buffer.OwnedWrites;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One {@code Subscribe} call served on its HTTP/2 stream directly, without Vert.x's gRPC server: what
 * the upstream sends is a gRPC frame it encoded itself, prefix included, in one array
 * ({@link EdgeCodec}), where the gRPC server would copy every frame twice more (the encoder's
 * {@code toByteArray} into a buffer, then into another with the prefix). Reading splits the body
 * with {@link io.flowmesh.proto.grpc.GrpcFrameReader}, which refuses an oversized frame from its prefix alone.
 *
 * <p>Buffers go to Vert.x as {@code BufferInternal} wrappers of Netty buffers: the public
 * {@code Buffer.buffer(byte[])} would copy each frame once more, which is what this class avoids.
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

  /** HTTP/2 window of each subscriber's stream towards the edge server, in bytes. */
  static final int INBOUND_STREAM_WINDOW = 256 * 1024;
  /** HTTP/2 window of each connection towards the edge server, in bytes. */
  static final int INBOUND_CONNECTION_WINDOW = 1024 * 1024;

  /**
   * The edge server's HTTP options: {@code host:port}, TLS as {@code options} say, and small
   * inbound windows. They bound what subscribers may send, never what the server sends (that is
   * the subscriber's window): subscribers send only small frames (hello, credit, acks), and a small
   * window caps what a peer can push before its frame's length prefix is read and refused.
   */
  static HttpServerOptions serverOptions(String host, int port, EdgeOptions options) {
    HttpServerOptions http = new HttpServerOptions().setHost(host).setPort(port)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(INBOUND_STREAM_WINDOW))
        .setHttp2ConnectionWindowSize(INBOUND_CONNECTION_WINDOW);
    options.tls().applyTo(http);
    return http;
  }

  /**
   * The largest HTTP/2 DATA frame a subscriber accepts ({@code SubscriberLink} announces it), and
   * so the most bytes queued on a subscriber's connection before it counts as unwritable (half of
   * it to be writable again): a batch up to this size leaves as one frame.
   */
  static final int MAX_DATA_FRAME = 1 << 20;

  /**
   * What the edge server does with each new connection: widens its write buffer
   * ({@link #widenWriteBuffer}) and watches its peer ({@link PeerWatch}, {@code edge.peer-timeout}).
   */
  static void onConnection(Vertx vertx, HttpConnection connection, EdgeOptions options, String vertex) {
    widenWriteBuffer(connection);
    PeerWatch.watch(vertx, connection, options.peerTimeout(), "a subscriber of vertex=" + vertex);
  }

  /**
   * Lets Netty's HTTP/2 flow controller write a batch as one DATA frame. It writes at most what the
   * channel takes before it turns unwritable in one pass, 64 KiB by default, so a batch of 256
   * messages of 500 bytes (~140 KiB) went out in pieces, and the subscriber copied every piece
   * twice: once per DATA frame (Vert.x), once more to join the pieces into the whole message
   * ({@code GrpcFrameReader}). A no-op on a connection that is not Vert.x's own.
   */
  static void widenWriteBuffer(HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase c) {
      c.channel().config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(MAX_DATA_FRAME / 2, MAX_DATA_FRAME));
    }
  }

  /** What the call's reader hears. */
  interface Events extends CallReader.Listener {
    /** The subscriber ended its side of the stream. */
    void onEnd();

    /** The stream was reset or its connection lost; {@code where} says which side saw it. */
    void onFailure(String where, Throwable cause);
  }

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  /** Reads the subscriber's frames from {@link #read}; stopped when the call is refused, violates the protocol, or is cancelled. */
  private CallReader reader;

  /**
   * Hands a {@code Subscribe} call to {@code subscribe}; anything else on the port is refused as a
   * gRPC server would: 415 for what is not gRPC (not a POST over HTTP/2 with content-type
   * {@code application/grpc} or {@code application/grpc+proto}), UNIMPLEMENTED for another method.
   */
  static void route(HttpServerRequest request, String vertex, Consumer<EdgeCall> subscribe) {
    if (request.version() != HttpVersion.HTTP_2 || request.method() != HttpMethod.POST
        || !isGrpcProto(request.getHeader("content-type"))) {
      request.response().setStatusCode(415).end("the edge server of vertex " + vertex
          + " speaks gRPC (POST over HTTP/2, content-type application/grpc)\n");
      return;
    }
    EdgeCall call = new EdgeCall(request);
    if (!PATH.equals(request.path())) {
      call.end(GrpcStatus.UNIMPLEMENTED, "no method " + request.path() + " on the edge server of vertex " + vertex
          + "; it serves " + PATH);
      return;
    }
    subscribe.accept(call);
  }

  /** Binary protobuf gRPC: {@code application/grpc} or {@code application/grpc+proto}, parameters allowed (not -web or +json). */
  static boolean isGrpcProto(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/grpc") || type.equals("application/grpc+proto");
  }

  EdgeCall(HttpServerRequest request) {
    this.request = request;
    this.response = request.response();
    // sent with the first frame, or with the status when the call ends before any
    response.putHeader("content-type", "application/grpc");
  }

  /**
   * Starts reading; frames over {@code maxFrameBytes} are refused from their prefix. Frames are read
   * until {@link #stopReading} or {@link #cancel}, also after the response ended: a subscriber's acks
   * still on their way when the upstream ends the call (a graceful stop) are counted.
   */
  void read(int maxFrameBytes, Events events) {
    reader = new CallReader(maxFrameBytes, events);
    request.handler(reader::feed);
    request.endHandler(v -> {
      if (reader.endedCleanly()) {
        events.onEnd();
      }
    });
    request.exceptionHandler(e -> events.onFailure("stream reset", e));
    response.exceptionHandler(e -> events.onFailure("stream failed", e));
  }

  MultiMap headers() {
    return request.headers();
  }

  HttpConnection connection() {
    return request.connection();
  }

  /** Writes a whole gRPC frame, prefix included ({@link EdgeCodec}), and releases it once written or refused. */
  void write(ByteBuf frame) {
    OwnedWrites.writeThenRelease(frame, () -> response.write(BufferInternal.buffer(frame)));
  }

  /** Writes a small message as one frame. */
  void write(MessageLite message) {
    write(Unpooled.wrappedBuffer(GrpcFrames.frame(message)));
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
   * @throws IllegalStateException when the response has ended already
   */
  void end(GrpcStatus status, String message) {
    GrpcStatusHeaders.put(response, status.code, message);
    response.end();
  }

  /** Reads nothing more from the subscriber (what it still sends is dropped). */
  void stopReading() {
    if (reader != null) {
      reader.stop();
    }
  }

  /** Resets the stream (CANCEL), so the subscriber stops sending; nothing more is read. */
  void cancel() {
    stopReading();
    response.reset(EdgeClientCall.HTTP2_CANCEL);
  }
}
