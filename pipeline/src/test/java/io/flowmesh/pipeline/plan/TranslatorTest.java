package io.flowmesh.pipeline.plan;

import static io.flowmesh.pipeline.spec.Specs.CHAIN_EDGES;
import static io.flowmesh.pipeline.spec.Specs.CHAIN_VERTICES;
import static io.flowmesh.pipeline.spec.Specs.parse;
import static io.flowmesh.pipeline.spec.Specs.pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Spec to settings: the keys of issue 15's contract, exactly, for a chain, the even/odd graph with
 * two sinks and a join; every key emitted is one its service reads.
 */
class TranslatorTest {

  private static final List<String> LAUNCHER = List.of("java", "-jar", "flowmesh-udf.jar");

  private static RunPlan translate(PipelineSpec spec) throws SpecException {
    AtomicInteger port = new AtomicInteger(30000);
    RunPlan plan = new Translator(port::getAndIncrement, LAUNCHER).translate(spec, "tok");
    assertEveryKeyIsAServiceKey(plan);
    return plan;
  }

  /** Each setting of each service is a key its service of this build reads (a common key, its own, or under its prefix key). */
  static void assertEveryKeyIsAServiceKey(RunPlan plan) {
    Set<String> common = new TreeSet<>(List.of("vertex.name"));
    CommonKeys.keys().forEach(k -> common.add(k.name()));
    for (ServicePlan service : plan.services()) {
      Set<String> own = KnownKeys.of(service.kind().service());
      for (String key : service.settings().keySet()) {
        boolean known = common.contains(key) || own.contains(key)
            || own.stream().anyMatch(prefix -> prefix.endsWith(".") && key.startsWith(prefix));
        assertTrue(known, service.process() + ": " + key + " is no key of this build's " + service.kind().service() + " service");
      }
    }
  }

  private static Map<String, String> settings(RunPlan plan, String process) {
    return plan.services().stream().filter(s -> s.process().equals(process)).findFirst().orElseThrow().settings();
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void chain() throws SpecException {
    RunPlan plan = translate(parse(pipeline(CHAIN_VERTICES, CHAIN_EDGES)));
    // ports in file order: in http 30000, edge 30001; cat http 30002, edge 30003; out http 30004; cat's UDF 30005
    assertEquals(map("vertex.name", "in", "source.type", "generator", "source.rate", "10", "source.http.port", "30000",
        "source.edge.port", "30001", "source.edge.to", "cat", "edge.token", "tok"), settings(plan, "in"));
    assertEquals(map("vertex.name", "cat", "map.http.port", "30002", "map.edge.port", "30003",
        "udf.address", "tcp://127.0.0.1:30005", "map.edge.to", "out", "map.upstream", "127.0.0.1:30001", "edge.token", "tok"),
        settings(plan, "cat"));
    assertEquals(map("vertex.name", "out", "sink.type", "log", "sink.http.port", "30004", "sink.upstream", "127.0.0.1:30003",
        "edge.token", "tok"), settings(plan, "out"));
    assertEquals(List.of(new UdfPlan("cat", "udf", "cat-udf", List.of("java", "-jar", "flowmesh-udf.jar", "cat", "--address",
        "tcp://127.0.0.1:30005"), Map.of(), "tcp://127.0.0.1:30005")), plan.udfs());
    assertEquals(List.of("in", "cat", "out"), plan.order());
  }

  @Test
  void evenOddWithTwoSinks() throws SpecException {
    String vertices = """
            - name: in
              source: {generator: {}}
            - name: even-or-odd
              udf: {builtin: {name: even-odd}}
            - name: even-sink
              sink: {log: {}}
            - name: odd-sink
              sink: {log: {}}
        """;
    String edges = """
            - {from: in, to: even-or-odd}
            - from: even-or-odd
              to: even-sink
              conditions: {tags: {operator: or, values: [even]}}
            - from: even-or-odd
              to: odd-sink
              conditions: {tags: {operator: not, values: [even, zero]}}
        """;
    RunPlan plan = translate(parse(pipeline(vertices, edges)));
    Map<String, String> map = settings(plan, "even-or-odd");
    assertEquals("even-sink,odd-sink", map.get("map.edge.to"));
    assertEquals("or:even", map.get("map.edge.condition.even-sink"));
    assertEquals("not:even,zero", map.get("map.edge.condition.odd-sink"));
    assertEquals("127.0.0.1:30001", map.get("map.upstream"));
    assertEquals("in", settings(plan, "in").get("vertex.name"));
    assertEquals("even-or-odd", settings(plan, "in").get("source.edge.to"));
    assertEquals(map.get("map.edge.port"), settings(plan, "even-sink").get("sink.upstream").split(":")[1]);
    assertEquals(map.get("map.edge.port"), settings(plan, "odd-sink").get("sink.upstream").split(":")[1]);
    assertEquals(List.of("in", "even-or-odd", "even-sink", "odd-sink"), plan.order());
  }

  @Test
  void join() throws SpecException {
    String vertices = """
            - name: left
              source: {generator: {}}
            - name: right
              source: {generator: {}}
            - name: both
              udf: {address: 'tcp://127.0.0.1:50051'}
            - name: out
              sink: {log: {}}
        """;
    String edges = "    - {from: left, to: both}\n    - {from: right, to: both}\n    - {from: both, to: out}\n";
    RunPlan plan = translate(parse(pipeline(vertices, edges)));
    Map<String, String> both = settings(plan, "both");
    assertEquals("127.0.0.1:" + settings(plan, "left").get("source.edge.port"), both.get("map.upstream.left"));
    assertEquals("127.0.0.1:" + settings(plan, "right").get("source.edge.port"), both.get("map.upstream.right"));
    assertEquals(null, both.get("map.upstream"), "one upstream key form only");
    assertEquals("tcp://127.0.0.1:50051", both.get("udf.address"));
    assertEquals(List.of(), plan.udfs(), "a UDF given by address is not started");
    assertEquals("both", settings(plan, "left").get("source.edge.to"));
    assertEquals("both", settings(plan, "right").get("source.edge.to"));
  }

  @Test
  void replicasAreOneUpstreamWithSeveralAddresses() throws SpecException {
    String vertices = CHAIN_VERTICES.replace("- name: cat", "- name: cat\n      scale: {min: 2}");
    RunPlan plan = translate(parse(pipeline(vertices, CHAIN_EDGES)));
    Map<String, String> cat1 = settings(plan, "cat-1");
    Map<String, String> cat2 = settings(plan, "cat-2");
    assertEquals("127.0.0.1:" + cat1.get("map.edge.port") + ",127.0.0.1:" + cat2.get("map.edge.port"),
        settings(plan, "out").get("sink.upstream"));
    assertEquals(cat1.get("udf.address"), cat2.get("udf.address"), "one UDF process serves both replicas");
    assertEquals(cat1.get("map.upstream"), cat2.get("map.upstream"));
    assertEquals("cat", cat2.get("vertex.name"));
    assertEquals(1, plan.udfs().size());
  }

  @Test
  void commandPlaceholdersGetThePortAndAddress() throws SpecException {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}",
        "command: [my-udf, --port, '${port}']\n        env: {UDF_ADDRESS: '${address}'}");
    RunPlan plan = translate(parse(pipeline(vertices, CHAIN_EDGES)));
    UdfPlan udf = plan.udfs().get(0);
    assertEquals(List.of("my-udf", "--port", "30005"), udf.command());
    assertEquals(Map.of("UDF_ADDRESS", "tcp://127.0.0.1:30005"), udf.env());
  }

  @Test
  void anImageOnlyUdfCannotRunHere() {
    String vertices = CHAIN_VERTICES.replace("builtin: {name: cat}", "container: {image: 'quay.io/numaio/numaflow-go/map-cat:stable'}");
    SpecException e = assertThrows(SpecException.class, () -> translate(parse(pipeline(vertices, CHAIN_EDGES))));
    assertEquals(List.of("vertex 'cat': udf is only a container image (quay.io/numaio/numaflow-go/map-cat:stable), which the"
        + " local runner cannot start: add udf.command, udf.builtin or udf.address (or --set cat:udf.address=ADDRESS)"), e.problems());
  }
}
