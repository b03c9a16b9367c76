package io.flowmesh.map.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.map.udf.UdfClient;
import io.flowmesh.map.udf.UdfConfig;
import io.flowmesh.map.udf.UdfElement;
import io.flowmesh.map.udf.UdfFailure;
import io.flowmesh.map.udf.UdfListener;
import io.flowmesh.map.udf.UdfResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDF gauges as a scrape reads them: from the HTTP server's thread, not the map instance's event loop. */
class MapMetricsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theUdfStalledGaugeReadsZeroNotNaNWhenScrapedOffTheInstancesEventLoop() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MapMetrics metrics = new MapMetrics(registry, 0, 10, 100);
    CompletableFuture<UdfClient> created = new CompletableFuture<>();
    vertx.runOnContext(v -> created.complete(new UdfClient(vertx, UdfConfig.defaults(), new UdfListener() {
      @Override
      public void onResults(UdfElement element, List<UdfResult> results) {
      }

      @Override
      public void onFailure(UdfElement element, UdfFailure failure) {
      }
    })));
    metrics.bindUdf(created.get(10, TimeUnit.SECONDS));
    assertEquals(0.0, registry.get("flowmesh.map.udf.stalled").gauge().value(), "flowmesh_map_udf_stalled read on the test thread");
  }
}
