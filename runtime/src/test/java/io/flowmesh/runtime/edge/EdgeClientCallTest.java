package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.testing.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

/** The subscriber's side of a call ({@link EdgeClientCall}): what it makes of statuses and of a peer that is not an edge server. */
class EdgeClientCallTest extends TwoVertxEdgeTest {

  @Test
  void aMissingOrUnknownGrpcStatusIsUnknownAsTheGrpcSpecSays() {
    assertEquals(GrpcStatus.UNAVAILABLE, EdgeClientCall.status("14"));
    assertEquals(GrpcStatus.OK, EdgeClientCall.status(" 0 "));
    assertEquals(GrpcStatus.UNKNOWN, EdgeClientCall.status(null));
    assertEquals(GrpcStatus.UNKNOWN, EdgeClientCall.status("99"));
    assertEquals(GrpcStatus.UNKNOWN, EdgeClientCall.status("fourteen"));
  }

  @Test
  void aPeerThatAnswersButIsNotAnEdgeServerIsRedialledWithGrowingBackoff() throws Exception {
    HttpServer notEdge = awaitOn(up, () -> upVertx.createHttpServer()
        .requestHandler(r -> r.response().setStatusCode(404).end("no such thing")).listen(0, "127.0.0.1"));
    // reconnect backoff 100 ms doubling to 5 s (the defaults): at most 5 redials in 2 s; with the backoff
    // starting over at each answer, one every ~100 ms plus the round trip (9-15 here)
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "backoff", new HostPort("127.0.0.1", notEdge.actualPort()),
        EdgeOptions.defaults(), new SimpleMeterRegistry()));
    try {
      run(down, () -> sub.handler(d -> { }).start());
      Thread.sleep(2_000);
      long redials = call(down, sub::reconnects);
      assertTrue(redials >= 2 && redials <= 6, "redials in 2 s: " + redials);
    } finally {
      awaitOn(down, sub::close);
    }
  }

  @Test
  void aPeerThatIsNotAnEdgeServerIsALostStreamNamingItsAnswerNotAProtocolViolation() {
    HttpServer notEdge = awaitOn(up, () -> upVertx.createHttpServer()
        .requestHandler(r -> r.response().setStatusCode(404).end("no such thing")).listen(0, "127.0.0.1"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "lost", new HostPort("127.0.0.1", notEdge.actualPort()),
        EdgeOptions.defaults(), registry));
    try (LogCapture log = new LogCapture(EdgeSubscriber.class);
        LogCapture vertx = new LogCapture("io.vertx.core.http.impl.HttpClientResponseImpl")) {
      run(down, () -> sub.handler(d -> { }).start());
      until(() -> log.lines().stream().anyMatch(l -> l.contains("edge lost")), 10_000, () -> "the loss logged: " + log.lines());
      String line = log.lines().stream().filter(l -> l.contains("edge lost")).findFirst().orElseThrow();
      assertTrue(line.contains("why=no gRPC response from upstream: HTTP status 404; is it a Flowmesh edge server?"), line);
      assertFalse(log.lines().stream().anyMatch(l -> l.contains("protocol violation")), "not a violation: " + log.lines());
      // the stream reset by the subscriber is not logged again by Vert.x as an unhandled error
      until(() -> call(down, sub::reconnects) >= 2, 10_000, () -> "redialled: " + log.lines());
      assertTrue(vertx.lines().isEmpty(), "Vert.x logged: " + vertx.lines());
    } finally {
      awaitOn(down, sub::close);
    }
  }
}
