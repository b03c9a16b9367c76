package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Once a map has built an element's outputs it only has to ack the input when they are acked
 * downstream, so it lets go of the input's bytes at once: a downstream slow to ack holds the small
 * outputs, not the large inputs they came from (nor the DATA frames those inputs were slices of).
 * Seen from the heap of this JVM, which runs the map: 10 MB of input whose 100 outputs of a few
 * bytes wait unacked must not still be live.
 */
class MapInputReleaseTest {

  private static final int COUNT = 100;
  private static final int VALUE_BYTES = 100 * 1024;
  /**
   * What the heap may grow by from before the map starts to while its 100 outputs wait: the map
   * service itself (~3.3 MB measured) and not the 10 MB of inputs (with them held: ~14.8 MB).
   */
  private static final long HELD_LIMIT = 7L << 20;

  private final Vertx udfVertx = Vertx.vertx();
  private final Vertx downVertx = Vertx.vertx();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    OnLoop.await(udfVertx.close(), 20_000);
    OnLoop.await(downVertx.close(), 20_000);
  }

  @Test
  void outputsWaitingForTheirDownstreamAcksDoNotKeepTheirInputsAlive() {
    // one payload shared by every message, so the source itself holds no copies
    ByteString payload = ByteString.copyFrom(new byte[VALUE_BYTES]);
    TestSource source = new TestSource(COUNT, i -> payload, 0);
    open.add(source);
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.UNARY_MAP))
        .handler(d -> Future.succeededFuture(List.of(MapResult.of(d.keys(), ByteString.copyFromUtf8("len=" + d.value().size())))));
    String udfAddress = OnLoop.await(udf.start(), 10_000).toString();
    long before = liveHeap();
    int edgePort = PortFinder.freePort();
    Launched map;
    try {
      // the byte bound raised so that all 10 MB may be held unacked at once
      map = new MapMain().launch(new String[] {"--map.upstream=127.0.0.1:" + source.port(), "--map.edge.port=" + edgePort,
          "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2",
          "--edge.input-bytes=64MiB", "--map.output-capacity=" + (2 * COUNT)}, Map.of());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    open.add(() -> OnLoop.await(map.stop(Duration.ofSeconds(5)), 20_000));

    // downstream: takes every output and holds its ack until told
    Context ctx = downVertx.getOrCreateContext();
    List<Delivery> held = new ArrayList<>();
    EdgeSubscriber sink = OnLoop.call(ctx, () -> new EdgeSubscriber(downVertx, "sink", "held-sink-0",
        new HostPort("127.0.0.1", edgePort), EdgeOptions.defaults(), new SimpleMeterRegistry()));
    OnLoop.run(ctx, () -> sink.handler(held::add).start());
    until(() -> OnLoop.call(ctx, held::size) == COUNT, 30_000, () -> "all " + COUNT + " outputs downstream, unacked; held "
        + OnLoop.call(ctx, held::size));
    assertEquals("len=" + VALUE_BYTES, OnLoop.call(ctx, () -> held.get(0).message().getValue().toStringUtf8()));
    assertEquals(0, source.acked.size(), "no input is acked while its output is not");
    long grown = liveHeap() - before;
    assertTrue(grown < HELD_LIMIT, "with " + COUNT + " outputs unacked the heap held " + (grown >> 10) + " KiB more than before"
        + " the map started; the " + (COUNT * (long) VALUE_BYTES >> 10) + " KiB of their inputs should have been let go"
        + " when the outputs were built");

    OnLoop.run(ctx, () -> {
      held.forEach(sink::ack);
      held.clear();
    });
    until(() -> source.acked.size() == COUNT, 30_000, () -> "every input acked at the source: " + source.acked.size());
  }

  /** The heap in use after full collections: the smallest of three readings. */
  private static long liveHeap() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
