package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.examples.FlatMap;
import io.flowmesh.examples.Latency;
import io.flowmesh.examples.LatencyDistribution;
import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** source edge → map-service (in this JVM) → sink edge, against the example UDFs. */
class MapPipelineTest {

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  String udf(MapHandler handler, MapMode mode) {
    return harness.udf(handler, mode);
  }

  int map(int sourcePort, String udfAddress, String... extra) {
    return harness.map(sourcePort, udfAddress, extra);
  }

  <T extends AutoCloseable> T keep(T c) {
    return harness.keep(c);
  }

  JsonObject mapStatus() {
    return harness.mapStatus();
  }

  @Test
  void everyElementIsMappedExactlyOnceWithNoFailures() {
    int n = 100_000;
    TestSource source = keep(TestSource.counting(n, 10));
    int edge = map(source.port(), udf(new Uppercase(), MapMode.UNARY_MAP), "--map.concurrency=64");
    TestSink sink = keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() == n, 120_000, () -> "source acked " + source.ackCount.get() + " of " + n);
    assertEquals(n, sink.byId.size());
    assertEquals(0, sink.duplicates.get(), () -> "duplicates; source redelivered " + source.redelivered() + ", map " + mapStatus());
    for (int i = 0; i < n; i += 997) {
      EdgeMessage m = sink.byId.get("m" + i + "/0");
      assertEquals("V" + i, m.getValue().toStringUtf8());
    }
    JsonObject inst = mapStatus().getJsonArray("instances").getJsonObject(0);
    assertEquals(0L, inst.getLong("failedDropped") + inst.getLong("failedNacked"));
    // Both ends of an edge live in map-service's registry: every meter must have made it into the scrape.
    String scrape = harness.launched().registry().scrape();
    for (String metric : List.of("flowmesh_edge_credit_granted", "flowmesh_edge_subscriber_credit", "flowmesh_edge_input_buffer",
        "flowmesh_edge_sent_total", "flowmesh_edge_received_total", "flowmesh_edge_protocol_violations_total",
        "flowmesh_map_inflight", "flowmesh_map_udf_call_seconds_bucket", "flowmesh_map_watermark")) {
      assertTrue(scrape.contains(metric + "{"), "missing from /metrics: " + metric);
    }
    // Every element held a permit once and was answered: the in-flight timer counted each exactly once.
    double inFlightCount = scrape.lines().filter(l -> l.startsWith("flowmesh_map_inflight_time_seconds_count{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertEquals(n, inFlightCount, 0.0, "flowmesh_map_inflight_time_seconds_count over all instances");
    // And each answer's call time was recorded once (at least: a retried element is called again).
    double callCount = scrape.lines().filter(l -> l.startsWith("flowmesh_map_udf_call_seconds_count{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertTrue(callCount >= n, "flowmesh_map_udf_call_seconds_count over all instances: " + callCount + " for " + n);
    assertTrue(scrape.lines().anyMatch(l -> l.startsWith("flowmesh_map_inflight_time_seconds_sum{") && !l.endsWith(" 0.0")),
        "flowmesh_map_inflight_time_seconds_sum stays 0");
    // Gauges are evaluated on the scraping thread, never an instance's event loop: each must still have a value.
    assertTrue(scrape.lines().anyMatch(l -> l.startsWith("flowmesh_map_udf_stalled{") && l.endsWith(" 0.0")),
        () -> "flowmesh_map_udf_stalled has no value when scraped off the event loop:\n"
            + scrape.lines().filter(l -> l.startsWith("flowmesh_map_udf_stalled")).toList());
  }

  @Test
  void twoInstancesRunOnTwoEventLoopsEachTakeInputAndBothReachTheSinkThroughTheOneOutputEdge() {
    // instance 0 hosts the output edge on its loop; instance 1 hands its outputs across to it
    List<String> loops = runThroughInstances(2, 50_000);
    assertNotEquals(loops.get(0), loops.get(1), () -> "both instances on " + loops.get(0) + " (the map has two event loops)");
  }

  @Test
  void threeInstancesOnTwoEventLoopsShareThemRoundRobinAndAllTakeInput() {
    // the harness's map has two event loops; it warns that instances will share them
    List<String> loops = runThroughInstances(3, 30_000);
    assertNotEquals(loops.get(0), loops.get(1), "instance 1 on the loop after instance 0's");
    assertEquals(loops.get(0), loops.get(2), "instance 2 wraps round to instance 0's loop");
  }

  /**
   * Sends {@code n} elements through a map of {@code instances} instances (Uppercase UDF) and checks
   * that all reach the sink once, every instance took some and had all it took acked, and together
   * they took {@code n}; returns each instance's event loop, from {@code /status}.
   */
  private List<String> runThroughInstances(int instances, int n) {
    TestSource source = keep(TestSource.counting(n, 10));
    int edge = map(source.port(), udf(new Uppercase(), MapMode.UNARY_MAP), "--map.instances=" + instances, "--map.concurrency=64");
    TestSink sink = keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() == n, 120_000, () -> "source acked " + source.ackCount.get() + " of " + n);
    assertEquals(n, sink.byId.size());
    assertEquals(0, sink.duplicates.get(), () -> "duplicates; source redelivered " + source.redelivered() + ", map " + mapStatus());
    io.vertx.core.json.JsonArray status = mapStatus().getJsonArray("instances");
    assertEquals(instances, status.size(), "instances in /status");
    long taken = 0;
    List<String> loops = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      JsonObject inst = status.getJsonObject(i);
      assertTrue(inst.getLong("elementsIn") > 0, () -> "instance took nothing: " + inst);
      assertEquals(inst.getLong("elementsIn"), inst.getLong("acked"), () -> "instance's elements not all acked: " + inst);
      taken += inst.getLong("elementsIn");
      loops.add(inst.getString("eventLoop"));
    }
    assertEquals(n, taken, "elements taken over all instances");
    return loops;
  }

  @Test
  void droppedElementsAreAckedAtOnceAndFlatMapOutputsAreAllAckedBeforeTheirInput() {
    int n = 10_000;
    // Even elements are dropped by the UDF (DROP tag); odd ones fan out into three outputs.
    MapHandler h = d -> {
      String v = d.value().toStringUtf8();
      long i = Long.parseLong(v.substring(1));
      if (i % 2 == 0) {
        return Future.succeededFuture(List.of(MapResult.drop()));
      }
      return Future.succeededFuture(List.of(MapResult.ofUtf8(v + "a"), MapResult.ofUtf8(v + "b"), MapResult.ofUtf8(v + "c")));
    };
    TestSource source = keep(TestSource.counting(n, 0));
    int edge = map(source.port(), udf(h, MapMode.UNARY_MAP));
    TestSink sink = keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() == n, 60_000, () -> "source acked " + source.ackCount.get());
    until(() -> sink.byId.size() == n / 2 * 3, 10_000, () -> "sink got " + sink.byId.size());
    assertEquals("v7c", sink.byId.get("m7/2").getValue().toStringUtf8());
    assertTrue(!sink.byId.containsKey("m8/0"), "a dropped element produced an output");
    JsonObject inst = mapStatus().getJsonArray("instances").getJsonObject(0);
    assertEquals(n / 2, inst.getLong("dropped"));
    assertEquals(n, inst.getLong("acked"));
  }

  @Test
  void theExampleFlatMapSplitsOnItsSeparator() {
    TestSource source = keep(new TestSource(100, i -> ByteString.copyFromUtf8("x,y"), 0));
    int edge = map(source.port(), udf(new FlatMap(","), MapMode.UNARY_MAP));
    TestSink sink = keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() == 100, 30_000, () -> "acked " + source.ackCount.get());
    assertEquals(200, sink.byId.size());
    assertEquals("y", sink.byId.get("m5/1").getValue().toStringUtf8());
  }

  @Test
  void theUdfNeverSeesMoreElementsAtOnceThanTheConcurrencyLimitAndReachesIt() {
    int n = 3000;
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    SplittableRandom r = new SplittableRandom(5);
    MapHandler h = d -> {
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
      return Future.future(p -> harness.vertx().setTimer(1 + r.nextInt(5), id -> {
        now.decrementAndGet();
        p.complete(List.of(MapResult.of(d.value())));
      }));
    };
    TestSource source = keep(TestSource.counting(n, 0));
    int edge = map(source.port(), udf(h, MapMode.UNARY_MAP), "--map.concurrency=16");
    keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() == n, 60_000, () -> "acked " + source.ackCount.get());
    assertTrue(max.get() <= 16, "the UDF saw " + max.get() + " elements at once with map.concurrency=16");
    assertEquals(16, max.get(), "the engine never filled its permits");
    JsonObject inst = mapStatus().getJsonArray("instances").getJsonObject(0);
    assertEquals("fixed", inst.getString("concurrencyMode"));
    assertEquals(16, inst.getInteger("concurrency"));
    assertTrue(!inst.containsKey("limiter"), "a fixed map.concurrency has no limiter: " + inst);
    assertTrue(harness.launched().registry().scrape().lines().anyMatch(l -> l.startsWith("flowmesh_map_concurrency_limit{") && l.endsWith(" 16.0")),
        "flowmesh_map_concurrency_limit is not 16");
  }

  @Test
  void withKeyOrderingEachKeysOutputsKeepTheirInputOrder() {
    int n = 5000;
    SplittableRandom r = new SplittableRandom(11);
    MapHandler h = d -> Future.future(p -> harness.vertx().setTimer(1 + r.nextInt(8), id -> p.complete(List.of(MapResult.of(d.value())))));
    TestSource source = keep(TestSource.counting(n, 7));
    int edge = map(source.port(), udf(h, MapMode.UNARY_MAP), "--map.ordering=key", "--map.concurrency=32");
    TestSink sink = keep(new TestSink(edge, true));
    until(() -> source.ackCount.get() == n, 60_000, () -> "acked " + source.ackCount.get());
    Map<String, Long> last = new HashMap<>();
    for (EdgeMessage m : sink.inOrder) {
      long i = Long.parseLong(m.getValue().toStringUtf8().substring(1));
      String key = "k" + (i % 7);
      Long prev = last.put(key, i);
      assertTrue(prev == null || prev < i, "key " + key + ": " + i + " after " + prev);
    }
    assertEquals(n, sink.inOrder.size());
  }

  @Test
  void unaryMapIsAtLeastFiveTimesFasterThanBatchMapWhenLatencyIsSkewed() {
    // The unary side runs ~14x faster: more elements keep its window long enough to measure (~0.5 s, not ~0.15 s).
    double unary = throughput(10_000, MapMode.UNARY_MAP, "--map.mode=map");
    double batch = throughput(3000, MapMode.BATCH_MAP, "--map.mode=batch-map", "--map.batch-size=64");
    assertTrue(unary >= 5 * batch, String.format("map: %.0f elements/s, batch-map: %.0f elements/s: expected map at least 5x faster",
        unary, batch));
  }

  /** Elements per second through the latency UDF (95% 1 ms, 5% 50 ms), measured after the first 200. */
  private double throughput(int n, MapMode mode, String... extra) {
    Latency latency = new Latency(harness.vertx(), LatencyDistribution.parse("95%:1ms,5%:50ms"), new SplittableRandom(3));
    String address = udf(latency, mode);
    TestSource source = keep(TestSource.counting(n, 0));
    List<String> args = new ArrayList<>(List.of(extra));
    args.add("--map.concurrency=64");
    int edge = map(source.port(), address, args.toArray(String[]::new));
    keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() >= 200, 60_000, () -> "acked " + source.ackCount.get());
    long c0 = source.ackCount.get();
    long t0 = System.nanoTime();
    until(() -> source.ackCount.get() == n, 120_000, () -> "acked " + source.ackCount.get());
    return (n - c0) / ((System.nanoTime() - t0) / 1e9);
  }
}
