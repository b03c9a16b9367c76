package io.flowmesh.pipeline.deploy;

import static io.flowmesh.pipeline.spec.Specs.CHAIN_EDGES;
import static io.flowmesh.pipeline.spec.Specs.parse;
import static io.flowmesh.pipeline.spec.Specs.pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.pipeline.spec.VertexKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A spec as containers run it: settings from the translator with container ports and DNS upstreams, UDF containers, scale. */
class DeploymentModelTest {

  static final Path EXAMPLES = Path.of("..", "examples", "pipelines");

  private static String only(List<String> problems) {
    assertEquals(1, problems.size(), problems.toString());
    return problems.get(0);
  }

  @Test
  void evenOddGetsContainerPortsDnsUpstreamsTagConditionsAndABuiltinUdfContainer() throws SpecException {
    Deployment d = DeploymentModel.of(SpecParser.load(EXAMPLES.resolve("even-odd.yaml")));
    assertEquals("even-odd", d.pipeline());
    assertEquals(List.of("in", "even-or-odd", "even-sink", "odd-sink"), d.vertices().stream().map(VertexDeployment::name).toList());

    VertexDeployment in = d.vertex("in").orElseThrow();
    assertEquals(VertexKind.SOURCE, in.kind());
    assertEquals("/app/source-service.jar", in.jar());
    assertEquals("8080", in.settings().get("source.http.port"));
    assertEquals("9090", in.settings().get("source.edge.port"));
    assertEquals("even-or-odd", in.settings().get("source.edge.to"));
    assertEquals("0.0.0.0", in.settings().get("bind.host"));
    assertEquals(List.of("even-or-odd"), in.downstreams());
    assertTrue(in.upstreams().isEmpty());

    VertexDeployment map = d.vertex("even-or-odd").orElseThrow();
    assertEquals("in:9090", map.settings().get("map.upstream"));
    assertEquals(Map.of("in", "in:9090"), map.upstreams());
    assertEquals("even-sink,odd-sink", map.settings().get("map.edge.to"));
    assertEquals("or:even", map.settings().get("map.edge.condition.even-sink"));
    assertEquals("or:odd", map.settings().get("map.edge.condition.odd-sink"));
    assertEquals("5s", map.settings().get("map.resolve-interval"));
    assertNull(map.settings().get("udf.address"), "a UDF container's address is the renderer's: " + map.settings());
    assertFalse(map.settings().containsKey("edge.token"));
    assertEquals("@/app/map-service.jvm.options", map.env().get("JDK_JAVA_OPTIONS"));
    UdfContainer udf = map.udfs().get(0);
    assertEquals("even-or-odd-udf", udf.name());
    assertTrue(udf.flowmeshImage());
    assertEquals(50051, udf.port());
    assertEquals(List.of("java", "-jar", "/app/flowmesh-udf.jar", "even-odd", "--address", "tcp://0.0.0.0:50051"), udf.command());
    assertEquals("tcp://even-or-odd-udf:50051", map.settings(UdfContainer::name).get("udf.address"));
    assertEquals("tcp://127.0.0.1:50051", map.settings(u -> "127.0.0.1").get("udf.address"));

    VertexDeployment even = d.vertex("even-sink").orElseThrow();
    assertEquals("even-or-odd:9090", even.settings().get("sink.upstream"));
    assertEquals("/data/even.ndjson", even.settings().get("sink.path"), "${run} is the data folder: " + even.settings());
    assertTrue(even.dataDir());
    assertEquals(-1, even.edgePort());
    assertFalse(even.settings().containsKey("sink.edge.port"));
  }

  @Test
  void scaleGivesReplicasAndMaxAndAJoinNamesEachUpstream() throws SpecException {
    Deployment d = DeploymentModel.of(parse(pipeline("""
            - name: a
              source:
                generator: {rpu: 10}
            - name: b
              source:
                generator: {rpu: 10}
            - name: both
              scale: {min: 2, max: 5}
              udf:
                builtin: {name: cat}
            - name: out
              scale: {min: 3}
              sink:
                log: {}
        """, """
            - from: a
              to: both
            - from: b
              to: both
            - from: both
              to: out
        """)));
    VertexDeployment both = d.vertex("both").orElseThrow();
    assertEquals(2, both.replicas());
    assertEquals(5, both.maxReplicas());
    assertEquals("a:9090", both.settings().get("map.upstream.a"));
    assertEquals("b:9090", both.settings().get("map.upstream.b"));
    assertFalse(both.settings().containsKey("map.upstream"));
    assertEquals(3, d.vertex("out").orElseThrow().replicas());
    assertEquals(3, d.vertex("out").orElseThrow().maxReplicas());
    assertEquals("both:9090", d.vertex("out").orElseThrow().settings().get("sink.upstream"));
  }

  @Test
  void anImageUdfListensOnItsAddressPortWithPortAndAddressReplaced() throws SpecException {
    Deployment d = DeploymentModel.of(parse(pipeline("""
            - name: in
              source:
                generator: {rpu: 10}
            - name: cat
              udf:
                address: tcp://localhost:7070
                container:
                  image: example/cat:1
                  args: ["--port", "${port}"]
                  env: [{name: LISTEN, value: "${address}"}]
                  imagePullPolicy: Never
            - name: out
              sink:
                log: {}
        """, CHAIN_EDGES)));
    UdfContainer u = d.vertex("cat").orElseThrow().udfs().get(0);
    assertEquals("example/cat:1", u.image());
    assertFalse(u.flowmeshImage());
    assertEquals(7070, u.port());
    assertEquals(List.of("--port", "7070"), u.args());
    assertEquals(Map.of("LISTEN", "tcp://0.0.0.0:7070"), u.env());
    assertEquals("Never", u.pullPolicy());
  }

  @Test
  void anImageUdfWithoutATcpAddressIsRefusedNamingTheField() {
    PipelineSpec spec = parse(pipeline("""
            - name: in
              source:
                generator: {rpu: 10}
            - name: cat
              udf:
                container: {image: example/cat:1}
            - name: out
              sink:
                log: {}
        """, CHAIN_EDGES));
    String problem = only(assertThrows(SpecException.class, () -> DeploymentModel.of(spec)).problems());
    assertTrue(problem.startsWith("vertex 'cat': udf.container (example/cat:1) is reached over TCP in containers: give udf.address"),
        problem);
  }

  @Test
  void aCommandUdfAndANameThatIsNoDnsLabelAreRefused() {
    PipelineSpec spec = parse(pipeline("""
            - name: In_1
              source:
                generator: {rpu: 10}
            - name: cat
              udf:
                command: ["./my-udf", "${port}"]
            - name: out
              sink:
                log: {}
        """, """
            - from: In_1
              to: cat
            - from: cat
              to: out
        """));
    List<String> problems = assertThrows(SpecException.class, () -> DeploymentModel.of(spec)).problems();
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("vertex 'In_1': the name is its service's host name in containers"), problems.get(0));
    assertEquals("vertex 'cat': udf is a command (./my-udf ${port}), which containers cannot start: add udf.container (an image)"
        + " or udf.builtin", problems.get(1));
  }

  @Test
  void settingsThatAVariableWouldNotReadBackGoAsFlags() {
    SettingsForm form = SettingsForm.of(VertexKind.MAP, new java.util.LinkedHashMap<>(Map.of(
        "map.edge.condition.even-sink", "or:even",
        "map.edge.condition.odd", "or:odd",
        "map.upstream-gone-after", "30s",
        "map.upstream.even_or_odd", "x:9090")));
    assertEquals(Map.of("FLOWMESH_MAP_EDGE_CONDITION_ODD", "or:odd", "FLOWMESH_MAP_UPSTREAM_GONE_AFTER", "30s"), form.env());
    assertEquals(List.of("--map.edge.condition.even-sink=or:even", "--map.upstream.even_or_odd=x:9090"),
        form.flags().stream().sorted().toList());
  }
}
