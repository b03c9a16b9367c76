package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcService;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.server.GrpcServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a graceful stop of map-service looks to its UDF. */
class MapStopTest {

  private final Vertx udfVertx = Vertx.vertx();
  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  /**
   * The Numaflow SDKs exit their process when a {@code MapFn} stream is reset, so a map-service
   * that stops gracefully must end its stream with END_STREAM (the client's half-close), not a
   * reset or a connection torn down under it.
   */
  @Test
  void aGracefulStopHalfClosesTheUdfStreamRatherThanResettingIt() {
    List<String> streamEnds = new CopyOnWriteArrayList<>();
    GrpcServer grpc = GrpcServer.server(udfVertx);
    grpc.callHandler(MapGrpcService.MapFn, req -> {
      req.handler(msg -> {
        if (msg.hasHandshake()) {
          req.response().write(MapResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
        } else {
          req.response().write(MapResponse.newBuilder().setId(msg.getId())
              .addResults(MapResponse.Result.newBuilder().setValue(msg.getRequest().getValue())).build());
        }
      });
      req.endHandler(v -> {
        streamEnds.add("half-closed");
        req.response().end();
      });
      req.exceptionHandler(t -> streamEnds.add("reset: " + t));
    });
    HttpServer server = udfVertx.createHttpServer().requestHandler(grpc);
    int port = OnLoop.await(server.listen(SocketAddress.inetSocketAddress(0, "127.0.0.1")), 10_000).actualPort();

    pipeline.start(100, "tcp://127.0.0.1:" + port);
    pipeline.awaitAllAcked(100, 30_000);
    pipeline.stopMap(Duration.ofSeconds(5));

    until(() -> !streamEnds.isEmpty(), 5_000, () -> "the UDF never saw its stream end");
    assertEquals(List.of("half-closed"), streamEnds, "how the MapFn stream ended when map-service stopped");
  }
}
