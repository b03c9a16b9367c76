package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcService;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.ReadyResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small UDF for tests, served by Vert.x's gRPC server: it answers the handshake and hands
 * every later request of a {@code MapFn} stream to a {@link Behaviour}. Atomics here are
 * test bookkeeping read from the test thread, not engine state.
 */
final class TestUdf {

  /** What the UDF does with each request after the handshake, on the server's event loop. */
  interface Behaviour {
    void onRequest(Call call, MapRequest request);

    /** The client half-closed the stream. */
    default void onEnd(Call call) {
      call.end();
    }
  }

  /** One MapFn stream as the server sees it. */
  static final class Call {
    final int number;
    final GrpcServerResponse<MapRequest, MapResponse> response;
    final Vertx vertx;
    /** Requests of the current batch, for batch-map behaviours. */
    final java.util.List<MapRequest> batch = new java.util.ArrayList<>();
    int requests;
    boolean ended;

    Call(int number, GrpcServerResponse<MapRequest, MapResponse> response, Vertx vertx) {
      this.number = number;
      this.response = response;
      this.vertx = vertx;
    }

    /** Answers {@code request} with its own value as the single result. */
    void echo(MapRequest request) {
      write(echoOf(request));
    }

    void write(MapResponse response) {
      if (!ended) {
        try {
          this.response.write(response);
        } catch (IllegalStateException cancelledByTheClient) {
          ended = true;
        }
      }
    }

    void eot() {
      write(MapResponse.newBuilder().setStatus(
          io.flowmesh.proto.udf.map.v1.TransmissionStatus.newBuilder().setEot(true)).build());
    }

    void end() {
      if (!ended) {
        ended = true;
        response.end();
      }
    }

    void fail(GrpcStatus status, String message) {
      if (!ended) {
        ended = true;
        response.status(status).statusMessage(message).end();
      }
    }
  }

  static MapResponse echoOf(MapRequest request) {
    return MapResponse.newBuilder().setId(request.getId())
        .addResults(MapResponse.Result.newBuilder()
            .addAllKeys(request.getRequest().getKeysList())
            .setValue(request.getRequest().getValue()))
        .build();
  }

  static final Behaviour ECHO = Call::echo;

  final Vertx vertx;
  final AtomicInteger streams = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger badFirstMessages = new AtomicInteger();
  volatile Behaviour behaviour;
  volatile MapResponse handshakeReply = MapResponse.newBuilder()
      .setHandshake(Handshake.newBuilder().setSot(true)).build();
  private final SocketAddress bind;
  private HttpServer server;
  private int port;

  private TestUdf(Vertx vertx, SocketAddress bind, Behaviour behaviour) {
    this.vertx = vertx;
    this.bind = bind;
    this.behaviour = behaviour;
  }

  /** Starts a UDF on 127.0.0.1 and an ephemeral port. */
  static TestUdf tcp(Vertx vertx, Behaviour behaviour) throws Exception {
    TestUdf udf = new TestUdf(vertx, SocketAddress.inetSocketAddress(0, "127.0.0.1"), behaviour);
    udf.start();
    return udf;
  }

  /** Starts a UDF on a Unix domain socket. */
  static TestUdf unix(Vertx vertx, String path, Behaviour behaviour) throws Exception {
    TestUdf udf = new TestUdf(vertx, SocketAddress.domainSocketAddress(path), behaviour);
    udf.start();
    return udf;
  }

  String address() {
    return bind.isDomainSocket() ? "unix://" + bind.path() : "tcp://127.0.0.1:" + port;
  }

  /** (Re)starts listening, on the same port after a {@link #stop()}. */
  void start() throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(64 * 1024 * 1024));
    grpc.callHandler(MapGrpcService.MapFn, req -> {
      Call call = new Call(streams.incrementAndGet(), req.response(), vertx);
      req.handler(msg -> {
        if (call.requests++ == 0) {
          if (!msg.hasHandshake() || !msg.getHandshake().getSot() || !msg.getId().isEmpty()) {
            badFirstMessages.incrementAndGet();
            call.fail(GrpcStatus.INVALID_ARGUMENT, "Handshake request not received");
          } else {
            call.write(handshakeReply);
          }
          return;
        }
        if (!msg.hasStatus()) {
          requests.incrementAndGet();
        }
        behaviour.onRequest(call, msg);
      });
      req.endHandler(v -> behaviour.onEnd(call));
      req.exceptionHandler(t -> call.ended = true);
    });
    grpc.callHandler(MapGrpcService.IsReady, req -> req.handler(
        msg -> req.response().end(ReadyResponse.newBuilder().setReady(true).build())));
    HttpServerOptions options = new HttpServerOptions()
        .setInitialSettings(new Http2Settings().setInitialWindowSize(4 * 1024 * 1024))
        .setHttp2ConnectionWindowSize(16 * 1024 * 1024);
    SocketAddress at = bind.isDomainSocket() || port == 0 ? bind : SocketAddress.inetSocketAddress(port, "127.0.0.1");
    server = vertx.createHttpServer(options).requestHandler(grpc);
    server.listen(at).await(10, TimeUnit.SECONDS);
    if (!bind.isDomainSocket()) {
      port = server.actualPort();
    }
  }

  /** Stops listening and closes every connection, as a dying UDF process would. */
  void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
      server = null;
    }
  }
}
