package io.flowmesh.pipeline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pipeline in Numaflow's own shape (test resource numaflow/simple-pipeline.yaml) is accepted, its fields meaning what they mean there. */
class NumaflowSpecTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = NumaflowSpecTest.class.getResourceAsStream("/numaflow/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void numaflowsSimplePipelineIsAccepted() throws IOException, SpecException {
    PipelineSpec spec = SpecParser.parse(resource("simple-pipeline.yaml"), "simple-pipeline.yaml", "x");
    assertEquals("simple-pipeline", spec.name());
    assertTrue(spec.numaflowHeader());
    VertexSpec in = spec.vertex("in").orElseThrow();
    assertEquals(Map.of("source.type", "generator", "source.rate", "5", "source.msg-size", "16", "source.key-count", "3",
        "edge.max-batch", "100"), in.settings());
    VertexSpec cat = spec.vertex("cat").orElseThrow();
    assertEquals(VertexKind.MAP, cat.kind());
    assertEquals(Map.of("edge.max-batch", "100", "edge.input-capacity", "30000", "map.concurrency", "50"), cat.settings());
    UdfSpec udf = cat.udfs().get(0);
    assertEquals(new ContainerSpec("quay.io/numaio/numaflow-go/map-cat:stable", List.of(), List.of("--verbose"),
        Map.of("LOG_LEVEL", "debug"), "Always"), udf.container());
    assertEquals(1, cat.replicas());
    assertEquals(Map.of("sink.type", "log", "edge.max-batch", "100"), spec.vertex("out").orElseThrow().settings());
  }

  @Test
  void numaflowsRateIsRpuPerDuration() throws SpecException {
    String yaml = Specs.pipeline(Specs.CHAIN_VERTICES.replace("generator: {rpu: 10}", "generator: {rpu: 3, duration: 500ms}"),
        Specs.CHAIN_EDGES);
    assertEquals("6", SpecParser.parse(yaml, "t", "t").vertex("in").orElseThrow().settings().get("source.rate"));
  }

  @Test
  void overridesFromTheCommandLineAreCheckedLikeSettings() throws SpecException {
    PipelineSpec spec = Specs.parse(Specs.pipeline(Specs.CHAIN_VERTICES, Specs.CHAIN_EDGES));
    assertEquals("100", SpecOverrides.apply(spec, List.of("in:source.count=100")).vertex("in").orElseThrow().settings().get("source.count"));
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> SpecOverrides.apply(spec, List.of("in:source.cuont=1", "nope:source.count=1")));
    assertEquals(List.of("--set in:source.cuont=1: source.cuont is not a key of a source vertex (did you mean source.count?)",
        "--set nope:source.count=1: no vertex 'nope' in the spec"), e.problems());
  }
}
