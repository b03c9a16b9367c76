package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures the page shows, from /status and /metrics shaped as the services serve them (trimmed from a real run). */
class ReadingsTest {

  private static final long SECOND = 1_000_000_000L;
  private static final HostPort A = new HostPort("127.0.0.1", 8081);
  private static final HostPort B = new HostPort("127.0.0.1", 8082);
  private static final Topology.Vertex MAP = new Topology.Vertex("upper", "map", List.of(A, B));

  private static String mapMetrics(long in, long sent, long udfErrors, long queued, long credit, long fast, long slow) {
    return """
        flowmesh_edge_received_total{service="map",subscriber="map-1/0/0",upstream="127.0.0.1:30461",vertex="upper"} %d
        flowmesh_edge_sent_total{service="map",to="out",vertex="upper"} %d
        flowmesh_edge_queue{service="map",to="out",vertex="upper"} %d
        flowmesh_edge_queue_capacity{service="map",vertex="upper"} 17408.0
        flowmesh_edge_subscriber_credit{service="map",to="out",vertex="upper"} %d
        flowmesh_edge_unacked{service="map",to="out",vertex="upper"} 6.0
        flowmesh_edge_redelivered_total{service="map",to="out",vertex="upper"} 2.0
        flowmesh_edge_input_buffer{service="map",subscriber="map-1/0/0",upstream="127.0.0.1:30461",vertex="upper"} 10.0
        flowmesh_edge_input_capacity{service="map",subscriber="map-1/0/0",upstream="127.0.0.1:30461",vertex="upper"} 8192.0
        flowmesh_map_inflight{service="map",vertex="upper",verticle="0"} 11.0
        flowmesh_map_concurrency_limit{service="map",vertex="upper",verticle="0"} 500.0
        flowmesh_map_udf_errors_total{service="map",vertex="upper",verticle="0"} %d
        flowmesh_map_udf_retries_total{service="map",vertex="upper",verticle="0"} 3.0
        flowmesh_map_watermark{service="map",vertex="upper",verticle="0"} 1.796148075795E12
        flowmesh_map_watermark_lag{service="map",vertex="upper",verticle="0"} 563.0
        flowmesh_map_udf_call_seconds_bucket{service="map",vertex="upper",verticle="0",le="0.001"} %d
        flowmesh_map_udf_call_seconds_bucket{service="map",vertex="upper",verticle="0",le="0.01"} %d
        flowmesh_map_udf_call_seconds_bucket{service="map",vertex="upper",verticle="0",le="+Inf"} %d
        """.formatted(in, sent, queued, credit, udfErrors, fast, fast + slow, fast + slow);
  }

  private static final JsonObject STATUS = new JsonObject("""
      {"service":"map","vertex":"upper","config":{"edge.token":"***"},"state":"running",
       "instances":[{"instance":0,
         "upstream":[{"upstream":"127.0.0.1:30461","subscriber":"map-1/0/0","unacked":14,"credit":8027,"received":10456,
                      "lastFailure":"connection reset by 127.0.0.1:30461"}],
         "upstreamVertices":[{"vertex":"","replicas":[{"subscriber":"map-1/0/0","unacked":14,"credit":8027,"received":10456}]}],
         "concurrencyMode":"fixed"}],
       "edge":{"edges":[{"to":"out","condition":null}]}}
      """);

  private static Scrape scrape(HostPort at, String metrics, boolean ready) {
    return new Scrape(at, STATUS, PromText.parse(metrics), ready, ready ? null : "udf: not connected", null);
  }

  @Test
  void aVertexAddsUpItsReplicasAndItsRatesComeFromTheChangeBetweenPolls() {
    Readings r = new Readings();
    r.vertex(MAP, "map", List.of(scrape(A, mapMetrics(1000, 900, 0, 0, 5000, 100, 0), true),
        scrape(B, mapMetrics(2000, 1900, 1, 0, 5000, 100, 0), true)), 0);
    JsonObject v = r.vertex(MAP, "map", List.of(scrape(A, mapMetrics(1500, 1300, 0, 0, 5000, 190, 10), true),
        scrape(B, mapMetrics(2500, 2300, 3, 0, 5000, 100, 0), true)), 2 * SECOND);
    assertEquals("up", v.getString("state"));
    assertEquals(2, v.getInteger("up"));
    assertTrue(v.getBoolean("ready"));
    assertEquals(4000.0, v.getDouble("in"));
    assertEquals(500.0, v.getDouble("inRate"), 1e-9, "(500 + 500) more in 2 s");
    assertEquals(400.0, v.getDouble("outRate"), 1e-9);
    assertEquals(3.0, v.getDouble("errors"), "the UDF errors of both replicas");
    assertEquals(1.0, v.getDouble("errorRate"), 1e-9);
    assertEquals(6.0, v.getDouble("retries"));
    assertEquals(4.0, v.getDouble("redelivered"));
    assertEquals(20.0, v.getDouble("inputBuffer"));
    assertEquals(16384.0, v.getDouble("inputCapacity"));
    assertEquals(28.0, v.getDouble("inputUnacked"), "the subscriptions' unacked, not counted again under upstreamVertices");
    assertEquals(22.0, v.getDouble("inFlight"));
    assertEquals(1000.0, v.getDouble("concurrency"));
    assertEquals("fixed", v.getString("concurrencyMode"));
    assertEquals(563.0, v.getDouble("lagMs"));
    assertEquals(1.796148075795E12, v.getDouble("watermark"));
    JsonObject latency = v.getJsonObject("latency");
    assertEquals(100.0, latency.getDouble("count"), "the interval's 100 calls, not the run's");
    assertEquals(1.0, latency.getDouble("p90"), 1e-9, "90 of the interval's 100 calls took under 1 ms");
    assertEquals(50.0 / 90, latency.getDouble("p50"), 1e-9, "the 50th of the 90 under 1 ms, interpolated");
    assertTrue(latency.getDouble("p99") > 1.0 && latency.getDouble("p99") <= 10.0, "p99 in the 1-10 ms bucket: " + latency);
    assertEquals(new JsonArray(List.of(A + ": connection reset by 127.0.0.1:30461", B + ": connection reset by 127.0.0.1:30461")),
        v.getJsonArray("problems"));
  }

  @Test
  void aReplicaThatDoesNotAnswerIsDownWithItsErrorAndTheOthersStillCount() {
    Readings r = new Readings();
    JsonObject v = r.vertex(MAP, "map", List.of(scrape(A, mapMetrics(1000, 900, 0, 0, 5000, 0, 0), false),
        Scrape.down(B, "/status: Connection refused")), 0);
    assertEquals("partial", v.getString("state"));
    assertFalse(v.getBoolean("ready"));
    assertEquals(1000.0, v.getDouble("in"));
    assertTrue(v.getJsonArray("problems").contains(B + ": /status: Connection refused"), v.encode());

    JsonObject down = r.vertex(MAP, "map", List.of(Scrape.down(A, "timeout"), Scrape.down(B, "timeout")), SECOND);
    assertEquals("down", down.getString("state"));
    assertEquals("down", down.getString("readyReason"));
    assertNull(down.getValue("inRate"), "no figures for a vertex nobody answers for");
  }

  @Test
  void anEdgeIsHeldBackWhileItsQueueIsLargerThanTheCreditTheDownstreamGranted() {
    Readings r = new Readings();
    List<Topology.Edge> edges = List.of(new Topology.Edge("upper", "out", null));
    JsonObject flowing = r.edges(edges, Map.of("upper", List.of(scrape(A, mapMetrics(10, 100, 0, 3, 5000, 0, 0), true))), 0)
        .getJsonObject(0);
    assertEquals("flowing", flowing.getString("state"), "a few queued with plenty of credit: sent at once");
    assertEquals(5000.0, flowing.getDouble("credit"));

    JsonObject held = r.edges(edges, Map.of("upper", List.of(scrape(A, mapMetrics(10, 160, 0, 4000, 0, 0, 0), true))), SECOND)
        .getJsonObject(0);
    assertEquals("held", held.getString("state"));
    assertTrue(held.getBoolean("heldBack"));
    assertEquals(4000.0, held.getDouble("queued"));
    assertEquals(60.0, held.getDouble("rate"), 1e-9);

    String noSubscriber = mapMetrics(10, 160, 0, 50, 0, 0, 0) + "flowmesh_edge_subscribers{service=\"map\",to=\"out\",vertex=\"upper\"} 0.0\n";
    JsonObject unsubscribed = r.edges(edges, Map.of("upper", List.of(scrape(A, noSubscriber, true))), 2 * SECOND).getJsonObject(0);
    assertEquals("unsubscribed", unsubscribed.getString("state"), "the downstream is not connected: not 'flowing' at 0/s");
    String oneSubscriber = noSubscriber.replace("} 0.0\n", "} 1.0\n");
    assertEquals("held", r.edges(edges, Map.of("upper", List.of(scrape(A, oneSubscriber, true))), 3 * SECOND)
        .getJsonObject(0).getString("state"), "connected, but granting less credit than is queued");

    JsonObject unknown = r.edges(edges, Map.of("upper", List.of(Scrape.down(A, "refused"))), 2 * SECOND).getJsonObject(0);
    assertEquals("unknown", unknown.getString("state"), "nothing to say about an edge whose upstream is down");
  }

  @Test
  void withoutASpecTheEdgesComeFromTheUpstreamsStatus() {
    List<Topology.Edge> found = Readings.discoveredEdges(Map.of("upper", List.of(scrape(A, "", true)), "out", List.of()));
    assertEquals(List.of(new Topology.Edge("upper", "out", null)), found);

    JsonObject unnamed = new JsonObject("""
        {"service":"source","edge":{"port":7001,"queued":0,
          "subscribers":[{"subscriber":"map-1/0/0","vertex":"upper"},{"subscriber":"map-1/1/0","vertex":"upper"}]}}
        """);
    Scrape source = new Scrape(A, unnamed, PromText.parse(""), true, null, null);
    assertEquals(List.of(new Topology.Edge("in", "upper", null)),
        Readings.discoveredEdges(Map.of("in", List.of(source), "upper", List.of())),
        "a source without source.edge.to: its one edge leads to its subscribers' vertex");
  }
}
