package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure from downstream as the autoscaler sees it: a subscriber that holds its acks fills
 * {@code map.output-capacity}, dispatch stops, and {@code flowmesh_map_output_blocked_seconds_total}
 * grows while it lasts; once the acks come, the run completes.
 */
class MapOutputBlockedTest {

  private static final int CAPACITY = 20;
  /** Dispatch stops at the capacity; what is in the UDF then still completes, so outputs overshoot by at most this. */
  private static final int CONCURRENCY = 4;

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
  void whileDownstreamHoldsItsAcksTheOutputBlockedCounterGrowsAndTheCapacityGaugeSaysWhy() {
    TestSource source = TestSource.counting(200, 0);
    open.add(source);
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.UNARY_MAP))
        .handler(new Uppercase());
    String udfAddress = OnLoop.await(udf.start(), 10_000).toString();
    int edgePort = PortFinder.freePort();
    Launched map;
    try {
      map = new MapMain().launch(new String[] {"--map.upstream=127.0.0.1:" + source.port(), "--map.edge.port=" + edgePort,
          "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2",
          "--map.output-capacity=" + CAPACITY, "--map.concurrency=" + CONCURRENCY}, Map.of());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    open.add(() -> OnLoop.await(map.stop(Duration.ofSeconds(5)), 20_000));

    // downstream: takes what the map sends and keeps it unacked until told
    Context ctx = downVertx.getOrCreateContext();
    List<Delivery> held = new ArrayList<>();
    boolean[] acking = {false};
    EdgeSubscriber sink = OnLoop.call(ctx, () -> new EdgeSubscriber(downVertx, "sink", "held-sink-0",
        new HostPort("127.0.0.1", edgePort), EdgeOptions.defaults(), new SimpleMeterRegistry()));
    OnLoop.run(ctx, () -> sink.handler(d -> {
      if (acking[0]) {
        sink.ack(d);
      } else {
        held.add(d);
      }
    }).start());

    until(() -> OnLoop.call(ctx, held::size) >= CAPACITY, 20_000, () -> "the map to send " + CAPACITY + " outputs; held "
        + OnLoop.call(ctx, held::size));
    assertEquals(CAPACITY, map.registry().get("flowmesh.map.output.capacity").tag("verticle", "0").gauge().value());
    FunctionCounter blocked = map.registry().get("flowmesh.map.output.blocked").tag("verticle", "0").functionCounter();
    // grows during the block itself (the instance's periodic update), not only when it ends
    until(() -> blocked.count() >= 0.3, 20_000, () -> "flowmesh_map_output_blocked_seconds_total to pass 0.3 s while blocked: "
        + blocked.count());
    int sent = OnLoop.call(ctx, held::size);
    assertTrue(sent <= CAPACITY + CONCURRENCY, "dispatch stopped at the capacity: " + sent + " outputs of 200 sent");

    OnLoop.run(ctx, () -> {
      acking[0] = true;
      held.forEach(sink::ack);
      held.clear();
    });
    until(() -> source.acked.size() == 200, 30_000, () -> "every input acked at the source: " + source.acked.size());
  }
}
