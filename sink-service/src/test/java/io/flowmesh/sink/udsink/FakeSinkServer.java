package io.flowmesh.sink.udsink;

import io.flowmesh.proto.udf.sink.v1.Handshake;
import io.flowmesh.proto.udf.sink.v1.SinkRequest;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.TransmissionStatus;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code sink.v1} server for tests, raw gRPC over HTTP/2 (h2c) on Vert.x: answers {@code IsReady},
 * echoes each {@code SinkFn} stream's handshake (unless told not to) and, at each batch's
 * {@code eot}, hands the batch's ids to its {@link Answers}, which writes what the test wants.
 */
public final class FakeSinkServer implements AutoCloseable {

  /** What the server answers. */
  public interface Answers {
    /** False to answer the handshake with something else (a missing handshake). */
    default boolean handshake() {
      return true;
    }

    /** Answers the batch of {@code ids} (in the order sent) on {@code resp}: results, then usually {@link #eot}. */
    void batch(HttpServerResponse resp, List<String> ids);
  }

  private final HttpServer server;

  private FakeSinkServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1:{@code port} (0 = any free port). */
  public static FakeSinkServer start(Vertx vertx, int port, Answers answers) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> serve(req, answers));
    server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new FakeSinkServer(server);
  }

  public int port() {
    return server.actualPort();
  }

  /** Writes {@code results} in one response, then the {@code eot}. */
  public static void answer(HttpServerResponse resp, SinkResponse results) {
    resp.write(Buffer.buffer(GrpcFrames.frame(results)));
    eot(resp);
  }

  public static void eot(HttpServerResponse resp) {
    resp.write(Buffer.buffer(GrpcFrames.frame(SinkResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build())));
  }

  private static void serve(HttpServerRequest req, Answers answers) {
    HttpServerResponse resp = req.response();
    if (req.path().endsWith("/IsReady")) {
      resp.putHeader("content-type", "application/grpc").putTrailer("grpc-status", "0").end(Buffer.buffer(new byte[] {0, 0, 0, 0, 2, 8, 1}));
      return;
    }
    resp.putHeader("content-type", "application/grpc");
    List<String> ids = new ArrayList<>();
    Buffer[] acc = {Buffer.buffer()};
    req.handler(data -> {
      acc[0].appendBuffer(data);
      while (acc[0].length() >= 5 && acc[0].length() >= 5 + acc[0].getInt(1)) {
        int len = acc[0].getInt(1);
        SinkRequest r;
        try {
          r = SinkRequest.parseFrom(acc[0].getBytes(5, 5 + len));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        acc[0] = acc[0].getBuffer(5 + len, acc[0].length());
        if (r.hasHandshake()) {
          SinkResponse answer = answers.handshake()
              ? SinkResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build()
              : SinkResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build();
          resp.write(Buffer.buffer(GrpcFrames.frame(answer)));
        } else if (r.hasRequest()) {
          ids.add(r.getRequest().getId());
        } else if (r.getStatus().getEot()) {
          answers.batch(resp, List.copyOf(ids));
          ids.clear();
        }
      }
    });
    req.endHandler(v -> {
      if (!resp.ended()) {
        resp.putTrailer("grpc-status", "0").end();
      }
    });
    req.exceptionHandler(t -> { });
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
