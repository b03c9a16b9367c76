package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** vertex.name tells two maps apart: it is the vertex label of map's metrics, its /status, and its hello upstream. */
class MapVertexNameTest {

  private final Vertx udfVertx = Vertx.vertx();
  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  @Test
  void aMapNamedInferShowsInferInStatusMetricLabelsAndItsHelloUpstream() throws Exception {
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0"))
        .handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d))));
    String address = OnLoop.await(udf.start(), 10_000).toString();
    pipeline.start(50, address, "--vertex.name=infer");
    pipeline.assertEveryElementArrivedOnce(50);

    int port = pipeline.map.httpPort();
    JsonObject status = new JsonObject(get(port, "/status"));
    assertEquals("infer", status.getString("vertex"), status.encode());
    assertEquals("map", status.getString("service"), "the service's kind stays map");
    assertEquals("infer", status.getJsonObject("config").getString("vertex.name"));

    String metrics = get(port, "/metrics");
    for (String family : List.of("flowmesh_edge_queue", "flowmesh_edge_input_buffer", "flowmesh_map_inflight",
        "flowmesh_map_elements_in_total")) {
      List<String> lines = metrics.lines().filter(l -> l.startsWith(family + "{")).toList();
      assertTrue(!lines.isEmpty(), "no " + family + " in /metrics");
      lines.forEach(l -> assertTrue(l.contains("vertex=\"infer\""), l));
    }
    assertTrue(metrics.lines().noneMatch(l -> l.startsWith("flowmesh_") && l.contains("vertex=\"map\"")),
        "a flowmesh metric still labelled vertex=\"map\"");

    until(() -> pipeline.source.subscriberVertices().equals(List.of("infer")), 10_000,
        () -> "the source's subscribers: " + pipeline.source.subscriberVertices());
  }

  @Test
  void theDefaultNameIsTheKindAndABadNameIsRefused() {
    ConfigKey<?> key = new MapMain().allKeys().stream().filter(k -> k.name().equals("vertex.name")).findFirst().orElseThrow();
    assertEquals("map", key.defaultValue());
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> new MapMain().launch(new String[] {"--vertex.name=in fer"}, Map.of()));
    assertEquals(List.of("vertex.name='in fer' (from --vertex.name): allowed is a name of 1 to 63 letters, digits, '-', '_' or '.',"
        + " starting with a letter or digit"), e.problems());
  }

  @Test
  void aBadBatchSizeIsReportedOnceThoughMapReadsItTwice() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> new MapMain().launch(new String[] {"--map.batch-size=-1", "--udf.timeout=5"}, Map.of()));
    assertEquals(List.of(
        "udf.timeout='5' (from --udf.timeout): a duration needs a unit: 5s, 500ms, 2m (units: us, ms, s, m, h)",
        "map.batch-size='-1' (from --map.batch-size): allowed is an integer from 1 to 100000"), e.problems());
  }

  @Test
  void theKnownKeysListHasExactlyTheMapKeys() {
    assertEquals(List.of(), new MapMain().knownKeysDifferences());
  }
}
