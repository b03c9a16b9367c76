package io.flowmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcService;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.testing.PortFinder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code udf-probe} against a real gRPC {@code MapFn} server (Vert.x, in this JVM) that answers each
 * element a fixed time after it came: the probe must time every answer and see that delay in its
 * round trips.
 */
class UdfProbeTest {

  private static final long DELAY_MS = 20;

  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void startUdf() throws Exception {
    vertx = Vertx.vertx();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(MapGrpcService.MapFn, call -> call.handler(request -> {
      if (request.hasHandshake()) {
        call.response().write(MapResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
        return;
      }
      MapResponse answer = MapResponse.newBuilder().setId(request.getId())
          .addResults(MapResponse.Result.newBuilder().setValue(request.getRequest().getValue())).build();
      vertx.setTimer(DELAY_MS, t -> call.response().write(answer));
    }));
    server = vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopUdf() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyAnswerIsTimedAndTheRoundTripHoldsTheUdfsDelay() throws Exception {
    JsonObject r = UdfProbe.probe(new HostPort("127.0.0.1", server.actualPort()), 200, 1, 1, 100);
    assertTrue(r.getBoolean("finished"), r.encode());
    assertEquals(200, r.getInteger("answered"), "the measured second's requests, all answered: " + r.encode());
    assertTrue(r.getDouble("p50_ms") >= DELAY_MS, "a round trip includes the UDF's " + DELAY_MS + " ms: " + r.encode());
    assertTrue(r.getDouble("p50_ms") <= r.getDouble("p99_ms") && r.getDouble("p99_ms") <= r.getDouble("max_ms"), r.encode());
  }

  @Test
  void aUdfThatIsNotThereIsNamed() throws Exception {
    int port = PortFinder.freePort();
    HostPort nobody = new HostPort("127.0.0.1", port);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> UdfProbe.probe(nobody, 100, 1, 0, 10));
    assertTrue(e.getMessage().contains("cannot open MapFn at") && e.getMessage().contains(Integer.toString(port)), e.getMessage());
  }
}
