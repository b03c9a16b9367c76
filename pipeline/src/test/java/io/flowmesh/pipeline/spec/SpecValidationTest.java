package io.flowmesh.pipeline.spec;

import static io.flowmesh.pipeline.spec.Specs.CHAIN_EDGES;
import static io.flowmesh.pipeline.spec.Specs.CHAIN_VERTICES;
import static io.flowmesh.pipeline.spec.Specs.parse;
import static io.flowmesh.pipeline.spec.Specs.pipeline;
import static io.flowmesh.pipeline.spec.Specs.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each check before anything starts, with the one line it gives (naming the vertex, edge or field). */
class SpecValidationTest {

  private static final String TWO_SINKS_VERTICES = CHAIN_VERTICES + """
          - name: out2
            sink:
              log: {}
      """;

  @Test
  void theChainIsValid() {
    PipelineSpec spec = parse(pipeline(CHAIN_VERTICES, CHAIN_EDGES));
    assertEquals(List.of("in", "cat", "out"), spec.vertices().stream().map(VertexSpec::name).toList());
    assertEquals(2, spec.edges().size());
  }

  @Test
  void unknownVertexInAnEdge() {
    assertEquals(List.of("edge cat -> outt: unknown vertex 'outt' (vertices: in, cat, out)",
        "vertex 'out' is unreachable: no path from a source leads to it"),
        problems(pipeline(CHAIN_VERTICES, "    - {from: in, to: cat}\n    - {from: cat, to: outt}\n")));
  }

  @Test
  void sourceWithAnInboundEdge() {
    assertEquals(List.of("edge cat -> in: 'in' is a source, which takes no inbound edge"),
        problems(pipeline(CHAIN_VERTICES, CHAIN_EDGES + "    - {from: cat, to: in}\n")));
  }

  @Test
  void sinkWithAnOutboundEdge() {
    assertEquals(List.of("edge out -> out2: 'out' is a sink, which has no outbound edge",
        "vertex 'out2' is unreachable: no path from a source leads to it"),
        problems(pipeline(TWO_SINKS_VERTICES, CHAIN_EDGES + "    - {from: out, to: out2}\n")));
  }

  @Test
  void cycle() {
    String vertices = CHAIN_VERTICES + """
          - name: cat2
            udf:
              builtin: {name: cat}
      """;
    assertEquals(List.of("cycle: cat -> cat2 -> cat (a pipeline is a graph without cycles)"),
        problems(pipeline(vertices, CHAIN_EDGES + "    - {from: cat, to: cat2}\n    - {from: cat2, to: cat}\n")));
  }

  @Test
  void unreachableVertex() {
    assertEquals(List.of("vertex 'out2' is unreachable: no path from a source leads to it"),
        problems(pipeline(TWO_SINKS_VERTICES, CHAIN_EDGES)));
  }

  @Test
  void mapWithoutAnOutboundEdge() {
    assertEquals(List.of("vertex 'cat' has no outbound edge: its messages would go nowhere",
        "vertex 'out' is unreachable: no path from a source leads to it"),
        problems(pipeline(CHAIN_VERTICES, "    - {from: in, to: cat}\n")));
  }

  @Test
  void tagConditionOnAnEdgeFromASourceWithoutTransformer() {
    String edges = """
          - from: in
            to: cat
            conditions:
              tags: {operator: or, values: [even]}
          - {from: cat, to: out}
      """;
    assertEquals(List.of("edge in -> cat: a tag condition, but the messages of 'in' carry no tags"
        + " (a source tags only through a transformer: source.transformer)"), problems(pipeline(CHAIN_VERTICES, edges)));
  }

  @Test
  void tagConditionOnAnEdgeFromASourceWithATransformerIsValid() {
    String vertices = CHAIN_VERTICES.replace("generator: {rpu: 10}", "generator: {rpu: 10}\n        transformer: {address: 'tcp://127.0.0.1:55001'}");
    String edges = """
          - from: in
            to: cat
            conditions:
              tags: {values: [even]}
          - {from: cat, to: out}
      """;
    PipelineSpec spec = parse(pipeline(vertices, edges));
    assertEquals(new TagCondition("or", List.of("even")), spec.edges().get(0).condition(), "Numaflow's default operator is or");
  }

  @Test
  void unknownTagOperator() {
    String edges = """
          - from: cat
            to: out
            conditions:
              tags: {operator: xor, values: [even]}
          - {from: in, to: cat}
      """;
    assertEquals(List.of("edge cat -> out: conditions.tags.operator 'xor' is not one of or, and, not"),
        problems(pipeline(CHAIN_VERTICES, edges)));
  }

  @Test
  void duplicateVertexNames() {
    String vertices = CHAIN_VERTICES + """
          - name: cat
            udf:
              builtin: {name: uppercase}
      """;
    assertEquals(List.of("vertex 'cat' is defined more than once: vertex names must be unique"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void badVertexName() {
    List<String> problems = problems(pipeline(CHAIN_VERTICES.replace("name: cat", "name: 'my cat'"),
        CHAIN_EDGES.replace("to: cat", "to: 'my cat'").replace("from: cat", "from: 'my cat'")));
    assertEquals(List.of("vertex 'my cat': bad name: a name of 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit"),
        problems);
  }

  @Test
  void badPipelineName() {
    assertEquals(List.of("metadata.name '../x' is not a name: 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit"),
        problems(pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("name: p", "name: ../x")));
  }

  @Test
  void missingFieldsAreNamed() {
    String vertices = CHAIN_VERTICES + "    - source: {generator: {}}\n";
    assertEquals(List.of("spec.vertices[3] needs 'name'", "spec.edges[2] needs 'to'"),
        problems(pipeline(vertices, CHAIN_EDGES + "    - {from: cat}\n")));
  }

  @Test
  void duplicateEdge() {
    assertEquals(List.of("edge in -> cat is given more than once"),
        problems(pipeline(CHAIN_VERTICES, CHAIN_EDGES + "    - {from: in, to: cat}\n")));
  }

  @Test
  void vertexWithTwoKinds() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n      sink: {log: {}}");
    assertTrue(problems(pipeline(vertices, CHAIN_EDGES)).contains("vertex 'cat' has udf and sink: a vertex is exactly one of source, udf or sink"));
  }

  @Test
  void edgesOfAVertexThatDidNotParseAddNoUnknownVertexNorUnreachableProblems() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n      sink: {log: {}}");
    assertEquals(List.of("vertex 'cat' has udf and sink: a vertex is exactly one of source, udf or sink"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void besideAVertexThatDidNotParseAnEdgeToAVertexNotInTheFileIsStillUnknown() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n      sink: {log: {}}");
    assertEquals(List.of("vertex 'cat' has udf and sink: a vertex is exactly one of source, udf or sink",
        "edge cat -> nowhere: unknown vertex 'nowhere' (vertices: in, out)",
        "edge out -> cat: 'out' is a sink, which has no outbound edge"),
        problems(pipeline(vertices, CHAIN_EDGES + "    - {from: cat, to: nowhere}\n    - {from: out, to: cat}\n")));
  }

  @Test
  void unsupportedNumaflowFieldsAreNamed() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n        groupBy: {keyed: true}")
        .replace("- name: out", "- name: out\n      partitions: 2");
    String yaml = pipeline(vertices, CHAIN_EDGES).replace("spec:\n", "spec:\n  lifecycle: {pauseGracePeriodSeconds: 5}\n");
    assertEquals(List.of(
        "vertex 'cat': udf.groupBy is not supported: reduce is not implemented: Flowmesh runs map vertices",
        "vertex 'out': partitions is not supported: there are no partitioned buffers: vertices are joined by edges directly",
        "spec.lifecycle is not supported: stop the runner with Ctrl-C (SIGTERM): it drains the vertices, sources first"),
        problems(yaml));
  }

  @Test
  void unknownFieldDeepInside() {
    String vertices = CHAIN_VERTICES.replace("generator: {rpu: 10}", "generator: {rpu: 10, valueBlob: abc, burst: 3}");
    assertEquals(List.of(
        "vertex 'in': source.generator.valueBlob is not supported: settings source.value sets a fixed value (text)",
        "vertex 'in': source.generator.burst is not supported"), problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void unknownSettingsKeySaysWhatWasMeant() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n      settings: {map.concurency: 4}");
    assertEquals(List.of("vertex 'cat': settings: map.concurency is not a key of a map vertex (did you mean map.concurrency?)"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void anotherServicesKeyInSettings() {
    String vertices = CHAIN_VERTICES.replace("log: {}", "log: {}\n      settings: {source.rate: 4}");
    assertEquals(List.of("vertex 'out': settings: source.rate is a key of source vertices: a sink vertex does not read it"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void aKeyNoServiceHasInSettings() {
    String vertices = CHAIN_VERTICES.replace("log: {}", "log: {}\n      settings: {sink.colour: red}");
    assertEquals(List.of("vertex 'out': settings: sink.colour is not a key of a sink vertex (java -jar sink-service.jar --help lists them)"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void settingsTheRunnerDerivesFromTheGraphAreRefused() {
    String vertices = CHAIN_VERTICES.replace("log: {}", "log: {}\n      settings: {sink.upstream: '127.0.0.1:7002'}");
    assertEquals(List.of("vertex 'out': settings: sink.upstream is set by the runner: the upstream comes from the edges"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void settingsContradictingAFieldAreRefused() {
    String vertices = CHAIN_VERTICES.replace("log: {}", "log: {}\n      settings: {sink.type: file}");
    assertEquals(List.of("vertex 'out': settings: sink.type=file contradicts sink.log (which means sink.type=log): keep one"),
        problems(pipeline(vertices, CHAIN_EDGES)));
  }

  @Test
  void pipelineSettingsTakeOnlyKeysEveryVertexHas() {
    String yaml = pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("spec:\n", "spec:\n  settings: {log.level: debug, map.concurrency: 4}\n");
    assertEquals(List.of("spec.settings: map.concurrency is not a key every vertex has: set it in the settings of the vertices it is for"),
        problems(yaml));
    PipelineSpec spec = parse(pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("spec:\n", "spec:\n  settings: {log.level: debug}\n"));
    spec.vertices().forEach(v -> assertEquals("debug", v.settings().get("log.level"), v.name()));
  }

  @Test
  void wrongKind() {
    assertEquals(List.of("kind 'MonoVertex' is not supported: only Pipeline (write the MonoVertex as a pipeline: source -> map -> sink)"),
        problems(pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("kind: Pipeline", "kind: MonoVertex")));
  }

  @Test
  void yamlSyntaxErrorSaysWhere() {
    List<String> problems = problems("spec:\n  vertices: [\n");
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("not valid YAML at line 3, column 1: "), problems.get(0));
  }

  @Test
  void aKeyGivenTwiceIsRefusedNotTheLastOneTaken() {
    String vertices = CHAIN_VERTICES.replace("      sink:\n        log: {}\n", "      sink:\n        log: {}\n      sink:\n        blackhole: {}\n");
    assertTrue(vertices.contains("blackhole"), vertices);
    List<String> problems = problems(pipeline(vertices, CHAIN_EDGES));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).matches("not valid YAML at line \\d+, column \\d+: found duplicate key sink"), problems.get(0));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "builtin: {name: cat}\n      settings: {map.concurency: 4}");
    List<String> problems = problems(pipeline(vertices, CHAIN_EDGES + "    - {from: cat, to: nowhere}\n"));
    assertEquals(2, problems.size(), problems.toString());
  }

  @Test
  void theReportNamesTheFileAndThePipelineOnlyWhenItsNameIsNotTheFiles() {
    String yaml = pipeline(CHAIN_VERTICES, CHAIN_EDGES + "    - {from: cat, to: nowhere}\n");
    SpecException named = assertThrows(SpecException.class, () -> SpecParser.parse(yaml, "specs/x.yaml", "x"));
    assertTrue(named.getMessage().startsWith("specs/x.yaml (pipeline 'p'): 1 problem:\n"), named.getMessage());
    SpecException same = assertThrows(SpecException.class, () -> SpecParser.parse(yaml, "specs/p.yaml", "p"));
    assertTrue(same.getMessage().startsWith("specs/p.yaml: 1 problem:\n"), same.getMessage());
  }

  @Test
  void aKubernetesNamespaceInTheMetadataIsAcceptedAndKept() {
    String yaml = pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("  name: p\n", "  name: p\n  namespace: team-a1\n");
    assertEquals("team-a1", parse(yaml).namespace());
    assertEquals(null, parse(pipeline(CHAIN_VERTICES, CHAIN_EDGES)).namespace());
  }

  @Test
  void aNamespaceThatIsNotADns1123LabelIsRefusedNamingTheRule() {
    for (String bad : List.of("Team-A", "team_a", "-team", "team-", "'" + "a".repeat(64) + "'", "''")) {
      String yaml = pipeline(CHAIN_VERTICES, CHAIN_EDGES).replace("  name: p\n", "  name: p\n  namespace: " + bad + "\n");
      String shown = bad.startsWith("'") ? bad.substring(1, bad.length() - 1) : bad;
      assertEquals(List.of("metadata.namespace '" + shown + "' is not a Kubernetes namespace name (a DNS-1123 label):"
          + " 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit"), problems(yaml), bad);
    }
  }
}
