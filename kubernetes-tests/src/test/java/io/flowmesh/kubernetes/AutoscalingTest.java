package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KEDA ScaledObjects the chart renders with {@code autoscaling.enabled}: one per map or sink
 * whose spec lets it scale (scale.max above scale.min), aimed at its Deployment, with Numaflow's
 * rule as a Prometheus query over metrics the services register.
 */
class AutoscalingTest {

  private static final Path SPEC = Path.of("src/test/resources/autoscaled.yaml");
  private static final Pattern METRIC = Pattern.compile("\\b(flowmesh_[a-z_]+)\\{([^}]*)}");
  private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\"([a-z]+)\"\\)");
  private static final Pattern BUILDER = Pattern.compile("(Gauge|Counter|Timer|DistributionSummary)\\.builder\\(\"(flowmesh\\.[a-z.]+)\"");

  @TempDir
  static Path dir;
  private static Rendered scaled;
  private static Rendered fixed;

  @BeforeAll
  static void render() throws IOException {
    Path values = PipelineValues.write(SPEC, dir);
    Path on = Files.writeString(dir.resolve("on.yaml"), "edgeToken: {value: t}\nautoscaling:\n  enabled: true\n");
    Path off = Files.writeString(dir.resolve("off.yaml"), "edgeToken: {value: t}\n");
    scaled = Rendered.of("scaled", "pipelines", List.of(values, on));
    fixed = Rendered.of("scaled", "pipelines", List.of(values, off));
  }

  private static List<GenericKubernetesResource> scaledObjects(Rendered r) {
    return r.generic("keda.sh/v1alpha1", "ScaledObject");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource g) {
    return (Map<String, Object>) g.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> trigger(GenericKubernetesResource g) {
    List<Map<String, Object>> triggers = (List<Map<String, Object>>) spec(g).get("triggers");
    assertEquals(1, triggers.size(), "one trigger: " + triggers);
    return triggers.get(0);
  }

  @SuppressWarnings("unchecked")
  private static String query(GenericKubernetesResource g) {
    return (String) ((Map<String, Object>) trigger(g).get("metadata")).get("query");
  }

  @Test
  void aScalableMapAndSinkGetAScaledObjectOnTheirDeploymentTheOthersKeepTheirReplicas() {
    Map<String, int[]> expected = Map.of("scaled-work", new int[] {1, 6}, "scaled-out", new int[] {2, 4});
    List<GenericKubernetesResource> objects = scaledObjects(scaled);
    assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(objects.stream().map(o -> o.getMetadata().getName()).toList()),
        "the vertices with scale.max above scale.min, never a source");
    for (GenericKubernetesResource o : objects) {
      String name = o.getMetadata().getName();
      @SuppressWarnings("unchecked")
      Map<String, Object> target = (Map<String, Object>) spec(o).get("scaleTargetRef");
      assertEquals("Deployment", target.get("kind"));
      assertEquals(name, target.get("name"));
      Deployment d = scaled.named(Deployment.class, name);
      assertNull(d.getSpec().getReplicas(), name + ": the autoscaler owns the replica count (no replicas to reset on upgrade)");
      assertEquals(expected.get(name)[0], spec(o).get("minReplicaCount"), "scale.min");
      assertEquals(expected.get(name)[1], spec(o).get("maxReplicaCount"), "scale.max");
    }
    assertEquals(1, scaled.named(Deployment.class, "scaled-fixed").getSpec().getReplicas(), "scale.max = scale.min: fixed");
    assertEquals(1, scaled.named(Deployment.class, "scaled-in").getSpec().getReplicas(), "a source is not autoscaled");
    assertTrue(scaledObjects(fixed).isEmpty(), "autoscaling is off by default");
    assertEquals(2, fixed.named(Deployment.class, "scaled-out").getSpec().getReplicas(), "without autoscaling: scale.min replicas");
  }

  @Test
  void theTriggerGivesDesiredReplicasWithCooldownsAndAStepLimit() {
    for (GenericKubernetesResource o : scaledObjects(scaled)) {
      Map<String, Object> t = trigger(o);
      assertEquals("prometheus", t.get("type"));
      assertEquals("AverageValue", t.get("metricType"), "HPA: desired = ceil(value / threshold)");
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) t.get("metadata");
      assertEquals("1", meta.get("threshold"), "the query gives replicas: one per unit");
      assertNotNull(meta.get("serverAddress"));
      String behavior = o.getAdditionalProperties().get("spec").toString();
      assertTrue(behavior.contains("scaleUp={stabilizationWindowSeconds=0, selectPolicy=Max, policies=[{type=Pods, value=2, periodSeconds=90}]}"),
          behavior);
      assertTrue(behavior.contains("scaleDown={stabilizationWindowSeconds=90, selectPolicy=Max, policies=[{type=Pods, value=2, periodSeconds=90}]}"),
          behavior);
    }
  }

  @Test
  void queriesSelectTheVertexByNameInTheReleaseNamespaceAndHoldAMapWhoseOutputIsBackPressured() {
    for (GenericKubernetesResource o : scaledObjects(scaled)) {
      String vertex = o.getMetadata().getName().substring("scaled-".length());
      String q = query(o);
      assertEquals(0, depth(q), "balanced parentheses: " + q);
      Matcher m = METRIC.matcher(q);
      int n = 0;
      while (m.find()) {
        n++;
        String labels = m.group(2);
        assertTrue(labels.startsWith("namespace=\"pipelines\","), "the release's namespace: " + m.group());
        boolean mine = labels.endsWith("vertex=\"" + vertex + "\"");
        boolean toMe = labels.endsWith("to=\"" + vertex + "\"");
        assertTrue(mine || toMe, "a metric of the vertex, or of its upstream's edge to it: " + m.group());
        assertTrue(!toMe || m.group(1).equals("flowmesh_edge_queue"), "only the upstream's queue is selected by 'to': " + m.group());
      }
      assertTrue(n >= 6, q);
      assertTrue(q.contains("[120s]"), "lookbackSeconds");
      assertTrue(q.contains("(20 * sum(rate(flowmesh_edge_received_total{"), "targetProcessingSeconds x rate: " + q);
      boolean holds = q.contains("(avg(rate(flowmesh_map_output_blocked_seconds_total{namespace=\"pipelines\",vertex=\"" + vertex
          + "\"}[120s])) or vector(0)) < 0.8)");
      assertEquals(vertex.equals("work"), holds,
          "a map (not a sink: no output) holds while its dispatch is blocked on downstream acks over 80% of the time: " + q);
    }
  }

  /** Every metric an autoscaler query names is one the services register (Micrometer's names in Prometheus form). */
  @Test
  void theQueriesNameMetricsTheServicesRegister() {
    Set<String> registered = registeredMetrics();
    assertTrue(registered.contains("flowmesh_edge_received_total"), "the scan finds the services' meters: " + registered);
    Set<String> used = new TreeSet<>();
    for (GenericKubernetesResource o : scaledObjects(scaled)) {
      Matcher m = METRIC.matcher(query(o));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    assertEquals(Set.of("flowmesh_edge_queue", "flowmesh_map_output_blocked_seconds_total", "flowmesh_edge_input_buffer",
        "flowmesh_edge_input_capacity", "flowmesh_edge_received_total"), used);
    for (String name : used) {
      assertTrue(registered.contains(name), name + " is no metric of the services: " + registered);
    }
    // the 'to' label the upstream's queue is selected by
    String outbound = read(Repo.path("runtime/src/main/java/io/flowmesh/runtime/edge/OutboundEdgeMetrics.java"));
    assertTrue(outbound.contains("Tags.of(\"vertex\", vertex, \"to\", to)") && outbound.contains("Gauge.builder(\"flowmesh.edge.queue\""),
        "flowmesh_edge_queue carries vertex and to");
  }

  /** The Prometheus names of the meters built in the services' code: dots as underscores, counters with _total. */
  private static Set<String> registeredMetrics() {
    Set<String> out = new TreeSet<>();
    for (String module : List.of("runtime", "source-service", "map-service", "sink-service")) {
      try (Stream<Path> files = Files.walk(Repo.path(module + "/src/main/java"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String text = read(f);
          Matcher m = BUILDER.matcher(text);
          while (m.find()) {
            String name = m.group(2).replace('.', '_');
            // a base unit set on the builder (up to the end of its statement) is part of the Prometheus name
            String statement = text.substring(m.end(), Math.max(m.end(), text.indexOf(';', m.end())));
            Matcher unit = BASE_UNIT.matcher(statement);
            if (unit.find()) {
              name += "_" + unit.group(1);
            }
            out.add(m.group(1).equals("Counter") ? name + "_total" : name);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int depth(String q) {
    int d = 0;
    for (char c : q.toCharArray()) {
      d += c == '(' ? 1 : c == ')' ? -1 : 0;
      assertFalse(d < 0, "a ')' before its '(' in " + q);
    }
    return d;
  }
}
