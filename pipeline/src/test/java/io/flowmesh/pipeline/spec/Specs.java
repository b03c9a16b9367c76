package io.flowmesh.pipeline.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

/** Parsing specs in tests. */
public final class Specs {

  private Specs() {
  }

  /** The spec in {@code yaml}, which must be valid. */
  public static PipelineSpec parse(String yaml) {
    try {
      return SpecParser.parse(yaml, "test.yaml", "test");
    } catch (SpecException e) {
      throw new AssertionError("expected a valid spec, got " + e.getMessage(), e);
    }
  }

  /** The problems of the spec in {@code yaml}, which must have some. */
  public static List<String> problems(String yaml) {
    return assertThrows(SpecException.class, () -> SpecParser.parse(yaml, "test.yaml", "test")).problems();
  }

  /** A spec from its vertices and edges (YAML list items, indented by 4), with the Numaflow header. */
  public static String pipeline(String vertices, String edges) {
    return "apiVersion: numaflow.numaproj.io/v1alpha1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  vertices:\n" + vertices
        + "  edges:\n" + edges;
  }

  /** The source -> map -> sink vertices: in (generator), cat (builtin cat), out (log). */
  public static final String CHAIN_VERTICES = """
          - name: in
            source:
              generator: {rpu: 10}
          - name: cat
            udf:
              builtin: {name: cat}
          - name: out
            sink:
              log: {}
      """;

  public static final String CHAIN_EDGES = """
          - from: in
            to: cat
          - from: cat
            to: out
      """;
}
