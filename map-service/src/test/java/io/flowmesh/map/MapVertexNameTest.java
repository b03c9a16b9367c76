package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** vertex.name tells two maps apart: it is the vertex label of map's metrics, its /status, and its hello upstream. */
class MapVertexNameTest {

  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void aMapNamedInferShowsInferInStatusMetricLabelsAndItsHelloUpstream() throws Exception {
    pipeline.start(50, pipeline.passThroughUdf(), "--vertex.name=infer");
    pipeline.assertEveryElementArrivedOnce(50);

    JsonObject status = new JsonObject(pipeline.get("/status"));
    assertEquals("infer", status.getString("vertex"), status.encode());
    assertEquals("map", status.getString("service"), "the service's kind stays map");
    assertEquals("infer", status.getJsonObject("config").getString("vertex.name"));

    String metrics = pipeline.get("/metrics");
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
