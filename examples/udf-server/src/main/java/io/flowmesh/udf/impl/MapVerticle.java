package io.flowmesh.udf.impl;

import com.google.protobuf.Empty;
import io.flowmesh.proto.udf.map.v1.MapGrpcService;
import io.flowmesh.proto.udf.map.v1.ReadyResponse;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.ResponseRewriter;
import io.flowmesh.udf.StreamMapHandler;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /map.v1.Map/MapFn} and {@code /map.v1.Map/IsReady} on one HTTP/2 server:
 * {@code MapFn} on the HTTP/2 stream itself ({@link MapCall}), everything else through Vert.x's
 * {@code GrpcServer}.
 *
 * <h2>Concurrency</h2>
 * One instance per server; every call it serves runs on its event loop.
 */
public final class MapVerticle extends VerticleBase {

  /** Per-stream HTTP/2 receive window: room for many requests in flight. */
  private static final int STREAM_WINDOW = 1024 * 1024;
  /** Connection-wide HTTP/2 receive window, shared by the streams of one client. */
  private static final int CONNECTION_WINDOW = 8 * 1024 * 1024;

  private static final ReadyResponse READY = ReadyResponse.newBuilder().setReady(true).build();
  private static final ReadyResponse NOT_READY = ReadyResponse.newBuilder().setReady(false).build();

  private final UdfServerOptions options;
  private final MapHandler handler;
  private final StreamMapHandler streamHandler;
  private final ResponseRewriter rewriter;
  private final BooleanSupplier ready;
  private HttpServer server;

  /**
   * @param options where and how to serve
   * @param handler the user's function, or null if {@code streamHandler} is given
   * @param streamHandler the user's stream-map function (mode stream-map only), or null
   * @param rewriter rewrites answers before they are written; {@code null} for none
   * @param ready what {@code IsReady} answers; read on each call
   */
  public MapVerticle(UdfServerOptions options, MapHandler handler, StreamMapHandler streamHandler,
      ResponseRewriter rewriter, BooleanSupplier ready) {
    this.options = options;
    this.handler = handler;
    this.streamHandler = streamHandler;
    this.rewriter = rewriter;
    this.ready = ready;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(options.maxMessageSize()));
    grpc.callHandler(MapGrpcService.IsReady, this::answerIsReady);
    HttpServerOptions http = new HttpServerOptions()
        .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW))
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW);
    if (options.tls() != null) {
      options.tls().applyTo(http);
    }
    server = vertx.createHttpServer(http).requestHandler(request -> {
      if (MapCall.serves(request)) {
        openStream(new MapCall(request, options.maxMessageSize()));
      } else {
        grpc.handle(request);
      }
    });
    return server.listen(options.address().toSocketAddress());
  }

  /** Closes the server and its connections at once: MapFn calls never end on their own. */
  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The TCP port listened on (useful when port 0 was asked for); -1 before listening or on a Unix socket. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private void openStream(MapCall call) {
    MapStream stream = switch (options.mode()) {
      case BATCH_MAP -> new BatchMapStream(call, handler, rewriter);
      case STREAM_MAP -> new StreamMapStream(call, handler, streamHandler, rewriter);
      case UNARY_MAP -> new UnaryMapStream(call, handler, rewriter);
    };
    stream.start();
  }

  private void answerIsReady(GrpcServerRequest<Empty, ReadyResponse> request) {
    request.handler(empty -> request.response().end(ready.getAsBoolean() ? READY : NOT_READY));
  }
}
