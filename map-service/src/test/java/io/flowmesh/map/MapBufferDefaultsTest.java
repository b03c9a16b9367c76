package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A map vertex buffers 256 inputs and 1,024 unacked outputs by default, not the 8,192 of the other
 * services' input edges: the buffer it runs with, its metrics and its /status say so, and a flag
 * still sets it.
 */
class MapBufferDefaultsTest {

  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  /** The value of the first sample of {@code family} in a Prometheus text page, or NaN when there is none. */
  private static double sample(String metrics, String family) {
    return metrics.lines().filter(l -> l.startsWith(family + "{") || l.startsWith(family + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(Double.NaN);
  }

  private String startAndRead(String... args) throws Exception {
    pipeline.start(20, pipeline.passThroughUdf(), args);
    pipeline.assertEveryElementArrivedOnce(20);
    return pipeline.get("/metrics"); // the elements came through: the input edge is subscribed
  }

  @Test
  void aMapBuffers256InputsAnd1024UnackedOutputsByDefault() throws Exception {
    String metrics = startAndRead();
    assertEquals(256.0, sample(metrics, "flowmesh_edge_input_capacity"), "the input edge's buffer");
    assertEquals(1024.0, sample(metrics, "flowmesh_map_output_capacity"), "the unacked outputs");
    JsonObject config = new JsonObject(pipeline.get("/status")).getJsonObject("config");
    assertEquals("256", config.getString("edge.input-capacity"), config.encode());
    assertEquals("1024", config.getString("map.output-capacity"), config.encode());
    assertEquals("8MiB", config.getString("edge.input-bytes"), "and 8 MiB of input payload: " + config.encode());
  }

  @Test
  void aFlagStillSetsTheMapsInputBuffer() throws Exception {
    String metrics = startAndRead("--edge.input-capacity=300", "--map.output-capacity=600");
    assertEquals(300.0, sample(metrics, "flowmesh_edge_input_capacity"));
    assertEquals(600.0, sample(metrics, "flowmesh_map_output_capacity"));
  }

  @Test
  void theEnvironmentSetsItAndABadValueIsRefusedNamingTheKey() {
    Set<String> ns = new HashSet<>(KnownKeys.NAMESPACES.get("map"));
    ns.addAll(CommonKeys.NAMESPACES);
    Settings fromEnv = Settings.load(new MapMain().allKeys(), ns,
        new String[0], Map.of("FLOWMESH_EDGE_INPUT_CAPACITY", "300"));
    assertEquals(300, fromEnv.get(CommonKeys.EDGE_INPUT_CAPACITY));
    Settings bad = Settings.load(new MapMain().allKeys(), ns,
        new String[] {"--edge.input-capacity=0"}, Map.of());
    assertEquals(256, bad.get(CommonKeys.EDGE_INPUT_CAPACITY),
        "read through the common key, a bad value falls back to the map's own default");
    assertEquals(List.of("edge.input-capacity='0' (from --edge.input-capacity): allowed is an integer from 1 to 16777216"),
        bad.problems());
  }

  @Test
  void onlyTheMapChangesTheCommonDefaultAndItsReferenceSaysSo() {
    ConfigKey<?> mine = new MapMain().allKeys().stream().filter(k -> k.name().equals("edge.input-capacity")).findFirst().orElseThrow();
    assertEquals("256", mine.defaultValue());
    assertTrue(mine.description().contains("map-service's default is 256 (the other services' 8192)"), mine.description());
    assertEquals(1, new MapMain().allKeys().stream().filter(k -> k.name().equals("edge.input-capacity")).count(),
        "the map's key stands in for the common one, not beside it");
    assertEquals("8192", CommonKeys.EDGE_INPUT_CAPACITY.defaultValue(), "the other services keep 8192");
  }
}
