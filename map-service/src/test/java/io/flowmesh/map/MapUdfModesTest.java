package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** source edge → map-service (in this JVM) → sink edge in batch-map mode, with a server-info file, and over a Unix socket. */
class MapUdfModesTest {

  @TempDir
  Path dir;
  private final Vertx udfVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final InJvmPipeline pipeline = new InJvmPipeline();
  private final AtomicInteger inHandler = new AtomicInteger();
  private final AtomicInteger maxInHandler = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  /** Passes each element through after 3 ms, counting how many it holds at once. */
  private final MapHandler slowCat = d -> {
    maxInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
    return Future.future(p -> udfVertx.setTimer(3, id -> {
      inHandler.decrementAndGet();
      p.complete(List.of(MapResult.passThrough(d)));
    }));
  };

  private UdfServer started(UdfServerOptions options, MapHandler handler) {
    UdfServer server = UdfServer.create(udfVertx, options).handler(handler);
    OnLoop.await(server.start(), 10_000);
    return server;
  }

  @Test
  void batchMapKeepsSeveralBatchesInFlightWithinTheConcurrencyAndDeliversEveryElementOnce() {
    int n = 1000; // some 60 batches of 16: plenty to have several in flight
    UdfServer server = started(UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.BATCH_MAP), slowCat);
    pipeline.start(n, server.actualAddress().toString(), "--map.mode=batch-map", "--map.batch-size=16",
        "--map.batch-timeout=20ms", "--map.concurrency=64");

    pipeline.assertEveryElementArrivedOnce(n);
    assertEquals("batch-map", pipeline.instanceStatus().getString("mode"));
    assertTrue(maxInHandler.get() > 16, "never more than one batch of 16 in the UDF at once: " + maxInHandler.get());
    assertTrue(maxInHandler.get() <= 64, "the UDF held " + maxInHandler.get() + " elements with map.concurrency=64");
  }

  @Test
  void theServerInfoFileChoosesBatchMapWhenMapModeIsUnsetEvenWhenWrittenAfterMapStarted() throws Exception {
    int n = 1000;
    Path info = dir.resolve("mapper-server-info");
    int port = PortFinder.freePort();
    // map-service first: it waits for the file, which the UDF writes once it listens.
    pipeline.start(n, "tcp://127.0.0.1:" + port, "--udf.server-info-file=" + info,
        "--map.batch-size=16", "--map.batch-timeout=20ms", "--map.concurrency=64");
    Thread.sleep(300);
    started(UdfServerOptions.of("tcp://127.0.0.1:" + port).withMode(MapMode.BATCH_MAP).withServerInfoFile(info), slowCat);

    // A batch-map server answers nothing before an EOT, so unary requests would never complete.
    pipeline.assertEveryElementArrivedOnce(n);
    assertEquals("batch-map", pipeline.instanceStatus().getString("mode"));
  }

  @Test
  void aUdfOnAUnixSocketMapsEveryElementOnce() {
    int n = 5000;
    assertTrue(udfVertx.isNativeTransportEnabled(), "epoll unavailable: " + udfVertx.unavailableNativeTransportCause());
    String address = "unix://" + dir.resolve("udf.sock");
    started(UdfServerOptions.of(address), new Uppercase());
    pipeline.start(n, address, "--map.concurrency=64");

    pipeline.assertEveryElementArrivedOnce(n);
    for (int i = 0; i < n; i++) {
      assertEquals("V" + i, pipeline.sink.byId.get("m" + i + "/0").getValue().toStringUtf8());
    }
  }
}
