package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's own {@code docker-compose.yml} and {@code Dockerfile}, run for real on a
 * Docker engine from {@code scripts/docker-test-env.sh} (skipped, with one line saying why,
 * where none can be had). The only differences from what a user runs are the base images,
 * passed as {@code MAVEN_IMAGE}, {@code JRE_IMAGE} and {@code PROMETHEUS_IMAGE} ({@link ComposeKafkaTest}: {@code KAFKA_IMAGE}).
 * Grafana is not started: it has no Debian package and no registry can be reached here (its
 * provisioning files are checked by {@link ObservabilityConfigTest}).
 */
class ComposeRunTest {

  private static final Duration BUILD_AND_UP = Duration.ofMinutes(20);
  // JVM start-up in five containers at once; slow when the machine is shared
  private static final Duration HEALTHY = Duration.ofMinutes(6);
  private static final List<String> PIPELINE = List.of("udf", "source", "map", "sink");
  private static final int COUNT = 20_000;
  private static final int MSG_SIZE = 40;

  @RegisterExtension
  static final DockerEngine DOCKER = new DockerEngine();

  /** Environment every run gets: its published ports, and an edge token (harmless where unused). */
  private static Map<String, String> env(int source, String map, int sink) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SOURCE_HTTP_PUBLISH", String.valueOf(source));
    env.put("MAP_HTTP_PUBLISH", map);
    env.put("SINK_HTTP_PUBLISH", String.valueOf(sink));
    env.put("FLOWMESH_EDGE_TOKEN", "compose-test-token-0123456789abcdef");
    return env;
  }

  private static void assertEndpoints(String service, int port) {
    String base = "http://127.0.0.1:" + port;
    assertEquals(200, Http.status(base + "/livez"), service + " /livez");
    assertEquals(200, Http.status(base + "/readyz"), service + " /readyz");
    Http.Response metrics = Http.get(base + "/metrics");
    assertEquals(200, metrics.status(), service + " /metrics");
    assertTrue(MetricsText.parse(metrics.body()).sampleNames().stream().anyMatch(n -> n.startsWith("flowmesh_" + service + "_")),
        service + " /metrics has no flowmesh_" + service + "_* samples");
    Http.Response status = Http.get(base + "/status");
    assertEquals(200, status.status(), service + " /status");
    assertEquals(service, status.json().getString("service"), service + " /status names its service");
  }

  private static double metric(int port, String name) {
    return MetricsText.parse(Http.get("http://127.0.0.1:" + port + "/metrics").body()).sum(name);
  }

  @Test
  void upBuildRunsThePipelineThroughTheUdfAndABoundedRunLosesNothingOverDown(@TempDir Path dir) throws IOException {
    int[] ports = Ports.free(3);
    Map<String, String> env = env(ports[0], String.valueOf(ports[1]), ports[2]);
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_RATE", "2000");
    env.put("FLOWMESH_SOURCE_MSG_SIZE", String.valueOf(MSG_SIZE));
    env.put("FLOWMESH_SINK_TYPE", "file");
    Map<String, Integer> port = Map.of("source", ports[0], "map", ports[1], "sink", ports[2]);
    Path out = dir.resolve("out.ndjson");
    try (ComposeProject compose = new ComposeProject(DOCKER.env(), "flowmesh-systest-run", List.of(), env)) {
      long start = System.nanoTime();
      compose.run(BUILD_AND_UP, "up", "--build", "-d");
      compose.awaitHealthy(HEALTHY, PIPELINE, Map.of());
      System.out.printf("compose: built and healthy in %.0f s%n", (System.nanoTime() - start) / 1e9);
      port.forEach(ComposeRunTest::assertEndpoints);

      Await.until("the source to report its " + COUNT + " messages produced and acked", Duration.ofMinutes(3),
          () -> Http.get("http://127.0.0.1:" + ports[0] + "/status").json().getBoolean("complete", false), compose::logs);
      JsonObject source = Http.get("http://127.0.0.1:" + ports[0] + "/status").json();
      assertEquals(COUNT, source.getLong("produced"), "produced");
      assertEquals(COUNT, source.getLong("acked"), "acked end to end");
      assertEquals(COUNT, metric(ports[1], "flowmesh_map_elements_in_total"), "elements into map");
      assertTrue(metric(ports[1], "flowmesh_map_udf_responses_total") > 0, "map got answers from the UDF");
      assertEquals(COUNT, metric(ports[2], "flowmesh_sink_messages_total"), "messages the sink wrote");

      compose.run(Duration.ofMinutes(3), "down");
      // the sink's file outlives `down` in the named volume; read it with a throwaway container
      String volume = compose.name() + "_sink-data";
      Files.writeString(out, DOCKER.env().docker(Duration.ofMinutes(2), "run", "--rm", "-v", volume + ":/data:ro",
          DOCKER.env().jreImage(), "cat", "/data/out.ndjson"));
    }
    SinkFile file = SinkFile.read(out);
    assertEquals(COUNT, file.lines(), "lines in the sink's file (no duplicates)");
    assertEquals(COUNT, file.distinctIds(), "distinct ids in the sink's file");
    assertEquals(1, file.prefixes().size(), "one source run: " + file.prefixes());
    SinkFile.assertContiguous(file.counters(file.prefixes().get(0)), 0, "ids <prefix>-<n>/0");
    // uppercase, the compose file's default UDF: only upper case and digits come out
    Pattern upper = Pattern.compile("[A-Z0-9]{" + MSG_SIZE + "}");
    assertTrue(file.values().values().stream().allMatch(v -> upper.matcher(v).matches()), "values upper-cased by the UDF");
  }

  @Test
  void scaledMapReplicasBothTakePartAndPrometheusScrapesEveryService() {
    int[] ports = Ports.free(3);
    int mapFirst = freeRange(2);
    Map<String, String> env = env(ports[0], mapFirst + "-" + (mapFirst + 1), ports[1]);
    env.put("PROMETHEUS_PUBLISH", String.valueOf(ports[2]));
    env.put("FLOWMESH_SOURCE_RATE", "500");
    try (ComposeProject compose = new ComposeProject(DOCKER.env(), "flowmesh-systest-scale", List.of("observability"), env)) {
      // Grafana is left out (see the class comment): every other service of the profile runs.
      compose.run(BUILD_AND_UP, "up", "--build", "-d", "--scale", "map=2", "udf", "source", "map", "sink", "prometheus");
      compose.awaitHealthy(HEALTHY, List.of("udf", "source", "map", "sink", "prometheus"), Map.of("map", 2));
      for (int i = 1; i <= 2; i++) {
        int mapPort = compose.port("map", i, 8082);
        assertEndpoints("map", mapPort);
        Await.until("map replica " + i + " to process elements", Duration.ofMinutes(2),
            () -> metric(mapPort, "flowmesh_map_elements_in_total") > 0
                && metric(mapPort, "flowmesh_map_outputs_total") > 0, compose::logs);
      }
      String targets = "http://127.0.0.1:" + ports[2] + "/api/v1/targets";
      Map<String, String> seen = new HashMap<>();
      Await.until("Prometheus to scrape source, both map replicas and sink", Duration.ofMinutes(2), () -> {
        seen.clear();
        JsonArray active = Http.get(targets).json().getJsonObject("data").getJsonArray("activeTargets");
        for (int i = 0; i < active.size(); i++) {
          JsonObject t = active.getJsonObject(i);
          seen.put(t.getString("scrapeUrl"), t.getJsonObject("labels").getString("job") + " " + t.getString("health"));
        }
        long up = seen.values().stream().filter(v -> v.endsWith(" up")).count();
        return up == 4 && seen.size() == 4 && seen.values().stream().filter(v -> v.startsWith("map ")).count() == 2;
      }, () -> "targets: " + seen);
      assertTrue(seen.values().containsAll(List.of("source up", "sink up")), seen.toString());
    }
  }

  /** The first of {@code n} consecutive ports that nothing listens on, for a published range. */
  private static int freeRange(int n) {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int first = 20_000 + random.nextInt(12_000);
      boolean free = true;
      for (int p = first; p < first + n && free; p++) {
        free = !Ports.listening(p);
      }
      if (free) {
        return first;
      }
    }
    throw new UncheckedIOException(new IOException("found no " + n + " consecutive free ports"));
  }
}
