package io.flowmesh.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecOverrides;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The compose files of examples/pipelines/even-odd.yaml and three-maps.yaml, parsed back as YAML:
 * services, settings (read back through the services' own Settings), start order, health checks,
 * scale, volumes and the edge token.
 */
class ComposeRendererTest {

  private static final String TOKEN = "${FLOWMESH_EDGE_TOKEN:-compose-default-edge-token-set-your-own-in-.env}";

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services(String compose) {
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(compose);
    return (Map<String, Map<String, Object>>) root.get("services");
  }

  private static String render(String example, List<String> sets) throws SpecException {
    Deployment d = DeploymentModel.of(SpecOverrides.apply(SpecParser.load(DeploymentModelTest.EXAMPLES.resolve(example)), sets));
    return ComposeRenderer.render(d, "../..", "examples/pipelines/" + example);
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> service, String key) {
    return (T) service.get(key);
  }

  /**
   * What a {@code kind} service reads from the service's command-line flags and environment, through
   * the runtime's own Settings, as the raw key to value (the services' keys as plain strings).
   */
  private static Map<String, String> readBack(String kind, Map<String, Object> service) {
    List<ConfigKey<?>> keys = new ArrayList<>();
    Set<String> names = new HashSet<>(KnownKeys.of(kind));
    CommonKeys.keys().forEach(k -> names.add(k.name()));
    names.add("vertex.name");
    for (String n : names) {
      keys.add(n.endsWith(".") ? ConfigKey.prefix(n, "", Map.of()) : ConfigKey.of(n, null, Types.STRING, ""));
    }
    Set<String> namespaces = new HashSet<>(CommonKeys.NAMESPACES);
    namespaces.addAll(KnownKeys.NAMESPACES.get(kind));
    List<String> command = at(service, "command");
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, Object> given = at(service, "environment");
    given.forEach((k, v) -> env.put(k, String.valueOf(v)));
    Settings s = Settings.load(keys, namespaces, KnownKeys.otherThan(kind), command.subList(3, command.size()).toArray(String[]::new), env);
    assertEquals(List.of(), s.problems(), kind + " settings");
    Map<String, String> out = new TreeMap<>(s.effective());
    out.remove("edge.token"); // masked
    return out;
  }

  private static void assertHealthcheck(Map<String, Object> service, List<String> test) {
    Map<String, Object> h = at(service, "healthcheck");
    assertEquals(test, h.get("test"));
    assertEquals("5s", h.get("interval"));
  }

  private static List<String> readyz(int port) {
    return List.of("CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:" + port + "/readyz");
  }

  @Test
  void evenOddHasAServicePerVertexAndUdfWithItsSettingsHealthChecksAndStopOrder() throws SpecException {
    Deployment d = DeploymentModel.of(SpecParser.load(DeploymentModelTest.EXAMPLES.resolve("even-odd.yaml")));
    Map<String, Map<String, Object>> services = services(render("even-odd.yaml", List.of("in:source.count=500")));
    assertEquals(List.of("in", "even-or-odd-udf", "even-or-odd", "even-sink", "odd-sink", "console"), List.copyOf(services.keySet()));
    Map<String, Object> console = services.get("console");
    assertEquals(List.of("java", "-jar", "/app/flowmesh-console.jar"), console.get("command"));
    assertEquals(Map.of("FLOWMESH_CONSOLE_VERTICES", "in=in:8080,even-or-odd=even-or-odd:8080,even-sink=even-sink:8080,odd-sink=odd-sink:8080",
        "FLOWMESH_CONSOLE_TITLE", "even-odd", "FLOWMESH_CONSOLE_PORT", "8070"), console.get("environment"),
        "every vertex by its service name and HTTP port, and the pipeline's name as the title");
    assertFalse(console.containsKey("depends_on"), "the console shows vertices down rather than waiting for them");

    Map<String, Object> udf = services.get("even-or-odd-udf");
    assertEquals("flowmesh:local", udf.get("image"));
    assertEquals("../..", ((Map<?, ?>) udf.get("build")).get("context"));
    assertEquals(List.of("java", "-jar", "/app/flowmesh-udf.jar", "even-odd", "--address", "tcp://0.0.0.0:50051"), udf.get("command"));
    assertHealthcheck(udf, List.of("CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/50051"));

    Map<String, Object> map = services.get("even-or-odd");
    assertEquals(List.of("java", "-jar", "/app/map-service.jar"), ((List<?>) map.get("command")).subList(0, 3));
    Map<String, String> mapSettings = readBack("map", map);
    Map<String, String> expected = new TreeMap<>(d.vertex("even-or-odd").orElseThrow().settings(UdfContainer::name));
    assertEquals(expected, mapSettings, "what the map reads is the model's settings, every key intact");
    assertEquals("or:even", mapSettings.get("map.edge.condition.even-sink"), "a '-' in a prefix key's suffix survives");
    assertEquals("tcp://even-or-odd-udf:50051", mapSettings.get("udf.address"));
    assertEquals(TOKEN, ((Map<?, ?>) map.get("environment")).get("FLOWMESH_EDGE_TOKEN"));
    assertEquals("@/app/map-service.jvm.options", ((Map<?, ?>) map.get("environment")).get("JDK_JAVA_OPTIONS"));
    assertHealthcheck(map, readyz(8080));
    assertEquals(Map.of("even-or-odd-udf", Map.of("condition", "service_healthy"), "even-sink", Map.of("condition", "service_started"),
        "odd-sink", Map.of("condition", "service_started")), map.get("depends_on"));
    assertEquals("30s", map.get("stop_grace_period"), "shutdown.timeout 20s + 10 s");
    assertFalse(map.containsKey("scale"));

    Map<String, Object> in = services.get("in");
    assertEquals("500", readBack("source", in).get("source.count"));
    assertEquals(Map.of("even-or-odd", Map.of("condition", "service_started")), in.get("depends_on"));

    for (String sink : List.of("even-sink", "odd-sink")) {
      Map<String, Object> s = services.get(sink);
      Map<String, String> read = readBack("sink", s);
      assertEquals("even-or-odd:9090", read.get("sink.upstream"));
      assertEquals("/data/" + sink.replace("-sink", "") + ".ndjson", read.get("sink.path"));
      assertEquals(List.of(sink + "-data:/data"), s.get("volumes"));
      assertFalse(s.containsKey("depends_on"), sink + " depends on nothing: stopped after every upstream");
      assertEquals(List.of("8080"), s.get("ports"));
      assertHealthcheck(s, readyz(8080));
    }
  }

  @Test
  void threeMapsChainsByServiceNameAndScalesFromScaleMin() throws SpecException, java.io.IOException {
    String yaml = java.nio.file.Files.readString(DeploymentModelTest.EXAMPLES.resolve("three-maps.yaml"))
        .replace("    - name: upper\n", "    - name: upper\n      scale: {min: 2, max: 4}\n");
    Map<String, Map<String, Object>> services = services(ComposeRenderer.render(
        DeploymentModel.of(SpecParser.parse(yaml, "three-maps.yaml", "three-maps")), ".", "three-maps.yaml"));
    assertEquals(List.of("in", "parse-udf", "parse", "upper-udf", "upper", "tidy-udf", "tidy", "out", "console"),
        List.copyOf(services.keySet()));
    String previous = "in";
    for (String map : List.of("parse", "upper", "tidy")) {
      Map<String, String> read = readBack("map", services.get(map));
      assertEquals(previous + ":9090", read.get("map.upstream"), map);
      assertEquals("tcp://" + map + "-udf:50051", read.get("udf.address"));
      assertEquals("200", read.get("map.concurrency"), "spec.limits.concurrency");
      previous = map;
    }
    assertEquals("tidy:9090", readBack("sink", services.get("out")).get("sink.upstream"));
    assertEquals(List.of("java", "-jar", "/app/flowmesh-udf.jar", "uppercase", "--address", "tcp://0.0.0.0:50051"),
        services.get("upper-udf").get("command"));
    assertEquals(Map.of("upper-udf", Map.of("condition", "service_healthy"), "tidy", Map.of("condition", "service_started")),
        services.get("upper").get("depends_on"));
    assertEquals(2, services.get("upper").get("scale"), "scale.min");
    assertFalse(services.get("parse").containsKey("scale"));
    assertEquals("upper:9090", readBack("map", services.get("tidy")).get("map.upstream"), "both replicas by one DNS name");
  }

  @Test
  void aDollarInASettingIsKeptFromComposeInterpolation() {
    assertEquals("a$$b", ComposeRenderer.escape("a$b"));
    assertEquals("31s", ComposeRenderer.grace("21s"));
  }
}
