package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.examples.Latency;
import io.flowmesh.examples.LatencyDistribution;
import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code map.concurrency=auto} against the example latency UDF serving at most K elements at once
 * (95% 1 ms, 5% 50 ms), through the real map-service, gRPC and edges. The band [0.6K, 2K]: the
 * limiter holds where its queue estimate is between max(3, L/10) and max(6, L/5) elements, which
 * for K of 16 and more is K to about 1.3K + 6 (see AdaptiveLimitTest); the rest is room for
 * the noise of a loaded machine. "Settled" means every /status read over 30 of the limiter's
 * windows was inside the band, so the time it takes comes from the limiter, not a clock.
 */
class AutoConcurrencyTest {

  private final Vertx udfVertx = Vertx.vertx();
  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  @Test
  void theLimitSettlesNearWhereTheUdfSaturatesAndFollowsWhenThatChanges() {
    Latency udf = new Latency(udfVertx, LatencyDistribution.parse("95%:1ms,5%:50ms"), new SplittableRandom(1), 16);
    String address = OnLoop.await(UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.UNARY_MAP))
        .handler(udf).start(), 10_000).toString();
    pipeline.start(TestSource.counting(100_000_000L, 0), address, "--map.concurrency=auto", "--map.concurrency.max=400");
    awaitSettled(16);
    assertEquals("auto", pipeline.instanceStatus().getString("concurrencyMode"));
    assertEquals(pipeline.instanceStatus().getJsonObject("limiter").getInteger("limit"), limitGauge(), 16,
        "flowmesh_map_concurrency_limit follows the limiter");
    assertTrue(limitGauge() != 4, "the gauge still shows the starting limit 4");
    udf.saturateAt(48);
    awaitSettled(48);
    udf.saturateAt(16);
    awaitSettled(16);
  }

  @Test
  void boundsWithoutAutoAreRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> new MapMain().launch(new String[] {"--map.concurrency=64",
        "--map.concurrency.max=100"}, Map.of()));
    assertTrue(e.problems().toString().contains("map.concurrency.max='100' (from --map.concurrency.max): applies only to map.concurrency=auto"),
        e.problems().toString());
    ConfigException bad = assertThrows(ConfigException.class, () -> new MapMain().launch(new String[] {"--map.concurrency=lots"}, Map.of()));
    assertTrue(bad.problems().toString().contains("auto, or an integer from 1 to 100000"), bad.problems().toString());
    ConfigException order = assertThrows(ConfigException.class, () -> new MapMain().launch(new String[] {"--map.concurrency=auto",
        "--map.concurrency.min=50", "--map.concurrency.max=10"}, Map.of()));
    assertTrue(order.problems().toString().contains("is above map.concurrency.max=10"), order.problems().toString());
  }

  private double limitGauge() {
    Gauge g = pipeline.map.registry().find("flowmesh.map.concurrency.limit").tag("verticle", "0").gauge();
    return g == null ? -1 : g.value();
  }

  /** Waits until the limit stayed within [0.6K, 2K] at every read over 30 limiter windows. */
  private void awaitSettled(int k) {
    long[] since = {-1};
    JsonObject[] last = {null};
    until(() -> {
      JsonObject l = pipeline.instanceStatus().getJsonObject("limiter");
      last[0] = l;
      if (l == null) {
        return false; // the engine has not started yet
      }
      int limit = l.getInteger("limit");
      long windows = l.getLong("windows");
      if (limit < 0.6 * k || limit > 2 * k) {
        since[0] = -1;
        return false;
      }
      if (since[0] < 0) {
        since[0] = windows;
      }
      return windows - since[0] >= 30;
    }, 120_000, () -> "limit within [" + 0.6 * k + ", " + 2 * k + "] for 30 windows at K=" + k + "; limiter " + last[0]);
  }
}
