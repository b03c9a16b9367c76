package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A map vertex buffers 1,024 inputs and 1,024 unacked outputs by default, not the 8,192 of the other
 * services' input edges: the buffer it runs with, its metrics and its /status say so, and a flag
 * still sets it.
 */
class MapBufferDefaultsTest {

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

  /** The value of the first sample of {@code family} in a Prometheus text page, or NaN when there is none. */
  private static double sample(String metrics, String family) {
    return metrics.lines().filter(l -> l.startsWith(family + "{") || l.startsWith(family + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(Double.NaN);
  }

  private String startAndRead(String... args) throws Exception {
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0"))
        .handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d))));
    String address = OnLoop.await(udf.start(), 10_000).toString();
    pipeline.start(20, address, args);
    pipeline.assertEveryElementArrivedOnce(20);
    return get(pipeline.map.httpPort(), "/metrics"); // the elements came through: the input edge is subscribed
  }

  @Test
  void aMapBuffersOneThousandTwentyFourInputsAndOutputsByDefault() throws Exception {
    String metrics = startAndRead();
    assertEquals(1024.0, sample(metrics, "flowmesh_edge_input_capacity"), "the input edge's buffer");
    assertEquals(1024.0, sample(metrics, "flowmesh_map_output_capacity"), "the unacked outputs");
    JsonObject config = new JsonObject(get(pipeline.map.httpPort(), "/status")).getJsonObject("config");
    assertEquals("1024", config.getString("edge.input-capacity"), config.encode());
    assertEquals("1024", config.getString("map.output-capacity"), config.encode());
  }

  @Test
  void aFlagStillSetsTheMapsInputBuffer() throws Exception {
    String metrics = startAndRead("--edge.input-capacity=300", "--map.output-capacity=600");
    assertEquals(300.0, sample(metrics, "flowmesh_edge_input_capacity"));
    assertEquals(600.0, sample(metrics, "flowmesh_map_output_capacity"));
  }

  @Test
  void theEnvironmentSetsItAndABadValueIsRefusedNamingTheKey() {
    java.util.Set<String> ns = new java.util.HashSet<>(java.util.Set.of("map", "udf"));
    ns.addAll(io.flowmesh.runtime.service.CommonKeys.NAMESPACES);
    io.flowmesh.runtime.config.Settings fromEnv = io.flowmesh.runtime.config.Settings.load(new MapMain().allKeys(), ns,
        new String[0], java.util.Map.of("FLOWMESH_EDGE_INPUT_CAPACITY", "300"));
    assertEquals(300, fromEnv.get(io.flowmesh.runtime.service.CommonKeys.EDGE_INPUT_CAPACITY));
    io.flowmesh.runtime.config.Settings bad = io.flowmesh.runtime.config.Settings.load(new MapMain().allKeys(), ns,
        new String[] {"--edge.input-capacity=0"}, java.util.Map.of());
    assertEquals(1024, bad.get(io.flowmesh.runtime.service.CommonKeys.EDGE_INPUT_CAPACITY),
        "read through the common key, a bad value falls back to the map's own default");
    assertEquals(List.of("edge.input-capacity='0' (from --edge.input-capacity): allowed is an integer from 1 to 16777216"),
        bad.problems());
  }

  @Test
  void onlyTheMapChangesTheCommonDefaultAndItsReferenceSaysSo() {
    ConfigKey<?> mine = new MapMain().allKeys().stream().filter(k -> k.name().equals("edge.input-capacity")).findFirst().orElseThrow();
    assertEquals("1024", mine.defaultValue());
    assertEquals(true, mine.description().contains("map-service's default is 1024 (the other services' 8192)"), mine.description());
    assertEquals(1, new MapMain().allKeys().stream().filter(k -> k.name().equals("edge.input-capacity")).count(),
        "the map's key stands in for the common one, not beside it");
    assertEquals("8192", io.flowmesh.runtime.service.CommonKeys.EDGE_INPUT_CAPACITY.defaultValue(), "the other services keep 8192");
  }
}
