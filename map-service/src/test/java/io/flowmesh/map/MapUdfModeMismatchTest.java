package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * map-service against a UDF of the other map mode, with and without a server-info file: it is
 * not ready, says so in one line naming both modes and the key to change, logs that once at
 * ERROR, and does it long before the UDF timeout (30 s) and stall timeout (60 s) would.
 */
class MapUdfModeMismatchTest {

  /** Well before udf.timeout (30 s) and udf.stall-timeout (60 s), with room for a loaded machine. */
  private static final long REPORTED_WITHIN_MS = 15_000;

  @TempDir
  Path dir;
  private final Vertx udfVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final InJvmPipeline pipeline = new InJvmPipeline();
  private LogLines udfLog;

  @BeforeEach
  void capture() {
    udfLog = new LogLines("io.flowmesh.runtime.udf.UdfHealth");
  }

  @AfterEach
  void stop() throws Exception {
    udfLog.close();
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private String udf(MapMode mode, Path serverInfo) {
    UdfServerOptions options = UdfServerOptions.of("tcp://127.0.0.1:0").withMode(mode);
    if (serverInfo != null) {
      options = options.withServerInfoFile(serverInfo);
    }
    UdfServer server = UdfServer.create(udfVertx, options).handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d))));
    OnLoop.await(server.start(), 10_000);
    return server.actualAddress().toString();
  }

  /** Waits for /readyz to say not ready with a reason containing {@code expected}; returns the reason. */
  private String awaitMismatch(String expected, long startNanos) {
    AtomicReference<Readiness> last = new AtomicReference<>();
    OnLoop.until(() -> {
      last.set(pipeline.readiness());
      return !last.get().ready() && last.get().reason().contains(expected);
    }, REPORTED_WITHIN_MS, () -> "readiness " + last.get() + " after " + (System.nanoTime() - startNanos) / 1_000_000 + " ms");
    return last.get().reason();
  }

  private void assertLoggedOnceAtError(String line) {
    List<String> errors = udfLog.at(Level.ERROR);
    assertEquals(1, errors.size(), "ERROR lines: " + errors);
    assertTrue(errors.get(0).contains(line), errors.get(0));
  }

  @Test
  void unaryMapAgainstABatchMapUdfSaysSoWithinSecondsAndHoldsItsElements() {
    String address = udf(MapMode.BATCH_MAP, null);
    long start = System.nanoTime();
    pipeline.start(100, address, "--map.concurrency=16");

    String expected = "UDF at " + address + " speaks batch-map but map.mode=unary-map; set map.mode=batch-map";
    String reason = awaitMismatch(expected, start);
    assertTrue(reason.contains("a lone EOT was answered with an EOT"), reason);
    assertLoggedOnceAtError(expected);
    assertEquals(0, pipeline.sink.byId.size(), "outputs from a UDF of the wrong mode");
    assertTrue(pipeline.instanceStatus().getString("udfProblem").contains(expected), pipeline.instanceStatus().encode());
  }

  @Test
  void batchMapAgainstAUnaryMapUdfSaysSoWithinSeconds() {
    String address = udf(MapMode.UNARY_MAP, null);
    long start = System.nanoTime();
    pipeline.start(100, address, "--map.mode=batch-map", "--map.batch-size=8", "--map.concurrency=16");

    String expected = "UDF at " + address + " speaks unary-map but map.mode=batch-map; set map.mode=unary-map";
    String reason = awaitMismatch(expected, start);
    assertTrue(reason.contains("answered id by id but no EOT followed"), reason);
    assertLoggedOnceAtError(expected);
  }

  @Test
  void unaryMapSetExplicitlyAgainstABatchMapServerInfoFileIsAMismatch() {
    Path info = dir.resolve("mapper-server-info");
    String address = udf(MapMode.BATCH_MAP, info);
    long start = System.nanoTime();
    pipeline.start(100, address, "--map.mode=map", "--udf.server-info-file=" + info);

    String expected = "UDF at " + address + " speaks batch-map but map.mode=unary-map; set map.mode=batch-map";
    String reason = awaitMismatch(expected, start);
    assertTrue(reason.contains("server-info file " + info + " says MAP_MODE=batch-map"), reason);
    assertLoggedOnceAtError(expected);
    assertFalse(pipeline.instanceStatus().containsKey("mode"), "the engine started: " + pipeline.instanceStatus().encode());
  }

  @Test
  void batchMapSetExplicitlyAgainstAUnaryMapServerInfoFileIsAMismatch() {
    Path info = dir.resolve("mapper-server-info");
    String address = udf(MapMode.UNARY_MAP, info);
    long start = System.nanoTime();
    pipeline.start(100, address, "--map.mode=batch-map", "--udf.server-info-file=" + info);

    String expected = "UDF at " + address + " speaks unary-map but map.mode=batch-map; set map.mode=unary-map";
    String reason = awaitMismatch(expected, start);
    assertTrue(reason.contains("says MAP_MODE=unary-map"), reason);
    assertLoggedOnceAtError(expected);
  }

  @Test
  void withMapModeUnsetTheServerInfoFileChoosesAndNothingIsReported() {
    Path info = dir.resolve("mapper-server-info");
    int n = 500;
    String address = udf(MapMode.BATCH_MAP, info);
    pipeline.start(n, address, "--udf.server-info-file=" + info, "--map.batch-size=16", "--map.batch-timeout=20ms");

    pipeline.assertEveryElementArrivedOnce(n);
    assertEquals("batch-map", pipeline.instanceStatus().getString("mode"));
    assertEquals(List.of(), udfLog.at(Level.ERROR));
  }
}
