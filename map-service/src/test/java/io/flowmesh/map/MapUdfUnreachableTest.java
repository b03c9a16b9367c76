package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A UDF nobody listens for: /readyz names it ("UDF at tcp://… unreachable: connection refused")
 * from the start, and the outage is logged at WARN once however often the redial fails, and
 * once more only after the UDF was reachable in between.
 */
class MapUdfUnreachableTest {

  private final Vertx udfVertx = Vertx.vertx();
  private final InJvmPipeline pipeline = new InJvmPipeline();
  private final LogLines log = new LogLines("io.flowmesh.runtime.udf.UdfHealth");

  @AfterEach
  void stop() throws Exception {
    log.close();
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private String awaitReason(String expected) {
    AtomicReference<Readiness> last = new AtomicReference<>();
    OnLoop.until(() -> {
      last.set(pipeline.readiness());
      return !last.get().ready() && last.get().reason().contains(expected);
    }, 15_000, () -> "readiness " + last.get());
    return last.get().reason();
  }

  private List<String> warnings() {
    return log.at(Level.WARN);
  }

  @Test
  void aRefusedUdfIsNamedInReadyzAndWarnedOncePerOutage() {
    int port = PortFinder.freePort();
    String address = "tcp://127.0.0.1:" + port;
    int n = 50;
    pipeline.start(n, address, "--udf.reconnect.initial-backoff=20ms", "--udf.reconnect.max-backoff=50ms");

    String expected = "UDF at " + address + " unreachable: connection refused";
    assertEquals("instance 0: " + expected, awaitReason(expected));
    OnLoop.until(() -> pipeline.counter("flowmesh.map.udf.reconnects") >= 5, 15_000,
        () -> "redials: " + pipeline.counter("flowmesh.map.udf.reconnects"));
    assertEquals(1, warnings().size(), "WARN lines after 5 refused redials: " + warnings());
    assertTrue(warnings().get(0).contains(expected), warnings().get(0));

    UdfServer server = UdfServer.create(udfVertx, UdfServerOptions.of(address))
        .handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d))));
    OnLoop.await(server.start(), 10_000);
    pipeline.assertEveryElementArrivedOnce(n);
    OnLoop.until(() -> pipeline.readiness().ready(), 15_000, () -> "readiness " + pipeline.readiness());

    OnLoop.await(server.stop(), 10_000);
    awaitReason(expected);
    OnLoop.until(() -> warnings().size() == 2, 15_000, () -> "WARN lines after the second outage: " + warnings());
    long redials = pipeline.counter("flowmesh.map.udf.reconnects");
    OnLoop.until(() -> pipeline.counter("flowmesh.map.udf.reconnects") >= redials + 5, 15_000,
        () -> "redials: " + pipeline.counter("flowmesh.map.udf.reconnects"));
    assertEquals(2, warnings().size(), "WARN lines: " + warnings());
  }
}
