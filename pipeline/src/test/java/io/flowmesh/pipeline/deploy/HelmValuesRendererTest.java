package io.flowmesh.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecOverrides;
import io.flowmesh.pipeline.spec.SpecParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm values of example pipelines, parsed back as YAML. The chart's rendering of them is
 * checked in kubernetes-tests (helm template, in the JVM).
 */
class HelmValuesRendererTest {

  private static Map<String, Object> render(String example, List<String> sets) throws SpecException {
    Deployment d = DeploymentModel.of(SpecOverrides.apply(SpecParser.load(DeploymentModelTest.EXAMPLES.resolve(example)), sets));
    return new Yaml().load(HelmValuesRenderer.render(d, "examples/pipelines/" + example));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> vertex(Map<String, Object> values, String name) {
    return ((List<Map<String, Object>>) values.get("vertices")).stream().filter(v -> v.get("name").equals(name)).findFirst().orElseThrow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void upstreamsAreVertexPortAndKeyNotAnAddressAndTheRestAreVariablesOrFlags() throws SpecException {
    Map<String, Object> values = render("even-odd.yaml", List.of());
    assertEquals("even-odd", values.get("pipeline"));
    Map<String, Object> sink = vertex(values, "even-sink");
    assertEquals(List.of(Map.of("vertex", "even-or-odd", "port", 9090, "env", "FLOWMESH_SINK_UPSTREAM")), sink.get("upstreams"));
    Map<String, String> env = (Map<String, String>) sink.get("env");
    assertFalse(env.containsKey("FLOWMESH_SINK_UPSTREAM"), "the chart writes it, with the Service's name: " + env);
    assertFalse(env.containsKey("FLOWMESH_EDGE_TOKEN"), "the token comes from a Secret");
    assertEquals("/data/even.ndjson", env.get("FLOWMESH_SINK_PATH"));
    assertEquals(true, sink.get("dataDir"));
    assertEquals(20, sink.get("shutdownTimeoutSeconds"));
    Map<String, Object> map = vertex(values, "even-or-odd");
    List<String> args = (List<String>) map.get("args");
    assertTrue(args.contains("--map.edge.condition.even-sink=or:even"), "a vertex name with '-' would not read back from a variable: " + args);
    Map<String, String> mapEnv = (Map<String, String>) map.get("env");
    assertEquals("tcp://127.0.0.1:50051", mapEnv.get("FLOWMESH_UDF_ADDRESS"), "the UDF is a sidecar");
    assertEquals("@/app/map-service.jvm.options", mapEnv.get("JDK_JAVA_OPTIONS"));
    List<Map<String, Object>> udfs = (List<Map<String, Object>>) map.get("udfs");
    assertEquals(1, udfs.size());
    assertEquals("udf", udfs.get(0).get("name"));
    assertEquals(50051, udfs.get(0).get("port"));
    assertFalse(udfs.get(0).containsKey("image"), "a builtin runs the chart's Flowmesh image");
    assertEquals(List.of("java", "-jar", "/app/flowmesh-udf.jar", "even-odd", "--address", "tcp://0.0.0.0:50051"), udfs.get(0).get("command"));
    assertEquals(List.of(), vertex(values, "in").get("upstreams"), "a source subscribes to nothing");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aJoinNamesEachUpstreamWithItsOwnKey() throws SpecException {
    Map<String, Object> values = render("join.yaml", List.of());
    for (Map<String, Object> v : (List<Map<String, Object>>) values.get("vertices")) {
      List<Map<String, Object>> ups = (List<Map<String, Object>>) v.get("upstreams");
      if (ups.size() > 1) {
        for (Map<String, Object> up : ups) {
          String key = up.containsKey("env") ? (String) up.get("env") : (String) up.get("flag");
          assertTrue(key.toLowerCase().replace('_', '.').endsWith("upstream." + up.get("vertex"))
              || key.endsWith("upstream." + up.get("vertex")), up.toString());
        }
        return;
      }
    }
    throw new AssertionError("join.yaml has no vertex with two upstreams: " + values);
  }

  @Test
  void aShutdownTimeoutThatIsNoDurationIsRefusedNamingTheVertex() {
    SpecException e = assertThrows(SpecException.class, () -> render("even-odd.yaml", List.of("odd-sink:shutdown.timeout=soon")));
    assertTrue(e.getMessage().contains("odd-sink: shutdown.timeout 'soon'"), e.getMessage());
  }

  /** A file people read and edit: a value several vertices share is written out at each, not as an anchor and aliases. */
  @Test
  void noAnchorsOrAliasesInTheRenderedText() throws SpecException {
    for (String example : List.of("default.yaml", "even-odd.yaml", "join.yaml", "three-maps.yaml")) {
      Deployment d = DeploymentModel.of(SpecParser.load(DeploymentModelTest.EXAMPLES.resolve(example)));
      String text = HelmValuesRenderer.render(d, "examples/pipelines/" + example);
      assertFalse(text.matches("(?s).*[&*]id\\d+.*"), example + ":\n" + text);
    }
  }
}
