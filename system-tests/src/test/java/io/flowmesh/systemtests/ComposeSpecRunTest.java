package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compose file rendered from a graph spec ({@code scripts/run-spec.sh --render compose} of
 * examples/pipelines/even-odd.yaml, its generator bounded), run for real on the Docker engine of
 * {@link DockerTestEnv} as {@link ComposeRunTest} runs the repository's own: a source, the even/odd
 * map with its UDF container, two file sinks behind tag conditions. Every message reaches exactly
 * the sink its tag names, once, and nothing is lost over {@code down}. Skipped, with one line
 * saying why, where no Docker engine can be had.
 */
class ComposeSpecRunTest {

  private static final Duration BUILD_AND_UP = Duration.ofMinutes(20);
  private static final Duration HEALTHY = Duration.ofMinutes(6);
  private static final int COUNT = 6_000;
  private static final List<String> SERVICES = List.of("in", "even-or-odd-udf", "even-or-odd", "even-sink", "odd-sink");

  @RegisterExtension
  static final DockerEngine DOCKER = new DockerEngine();

  private static double metric(int port, String name) {
    return MetricsText.parse(Http.get("http://127.0.0.1:" + port + "/metrics").body()).sum(name);
  }

  /** The tag the even-odd UDF gives a value: the parity of its last byte. */
  private static boolean even(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return (b[b.length - 1] & 1) == 0;
  }

  @Test
  void theEvenOddSpecRenderedAsComposeRoutesEveryMessageToItsSinkOnceAndLosesNothingOverDown(@TempDir Path dir)
      throws IOException {
    // the example at 2,000 messages a second instead of 200, bounded
    Path spec = dir.resolve("even-odd.yaml");
    String example = Files.readString(Project.path("examples/pipelines/even-odd.yaml"));
    assertTrue(example.contains("rpu: 200"), "the example's rate changed: adapt this test");
    Files.writeString(spec, example.replace("rpu: 200", "rpu: 2000"));
    Path composeFile = dir.resolve("compose.yml");
    DockerTestEnv.Result rendered = DockerTestEnv.run(List.of(Project.path("scripts/run-spec.sh").toString(), "--render", "compose",
        "--out", composeFile.toString(), "--set", "in:source.count=" + COUNT, spec.toString()), Map.of(),
        DOCKER.env().logDir().resolve("render.log"), Duration.ofMinutes(5));
    assertEquals(0, rendered.exit(), "run-spec.sh --render compose:\n" + rendered.tail());

    Map<String, String> env = Map.of("FLOWMESH_EDGE_TOKEN", "compose-spec-test-token-0123456789abcdef");
    Map<String, TreeSet<Long>> counters = new java.util.HashMap<>();
    try (ComposeProject compose = new ComposeProject(DOCKER.env(), composeFile, "flowmesh-systest-spec", List.of(), env)) {
      long start = System.nanoTime();
      compose.run(BUILD_AND_UP, "up", "--build", "-d");
      compose.awaitHealthy(HEALTHY, SERVICES, Map.of());
      System.out.printf("compose (rendered from even-odd.yaml): built and healthy in %.0f s%n", (System.nanoTime() - start) / 1e9);
      int in = compose.port("in", 1, 8080);
      int map = compose.port("even-or-odd", 1, 8080);
      int evenSink = compose.port("even-sink", 1, 8080);
      int oddSink = compose.port("odd-sink", 1, 8080);

      Await.until("the source to report its " + COUNT + " messages produced and acked", Duration.ofMinutes(3),
          () -> Http.get("http://127.0.0.1:" + in + "/status").json().getBoolean("complete", false), compose::logs);
      JsonObject source = Http.get("http://127.0.0.1:" + in + "/status").json();
      assertEquals(COUNT, source.getLong("produced"), "produced");
      assertEquals(COUNT, source.getLong("acked"), "acked end to end");
      assertEquals(COUNT, metric(map, "flowmesh_map_elements_in_total"), "elements into the map");
      JsonObject edge = Http.get("http://127.0.0.1:" + map + "/status").json().getJsonObject("edge");
      assertEquals(0L, edge.getLong("dropped"), "messages no edge took: " + edge);
      double evens = metric(evenSink, "flowmesh_sink_messages_total");
      double odds = metric(oddSink, "flowmesh_sink_messages_total");
      assertEquals(COUNT, evens + odds, "messages the two sinks wrote (even " + evens + ", odd " + odds + ")");

      compose.run(Duration.ofMinutes(3), "down");
      // the sinks' files outlive `down` in their named volumes; read them with a throwaway container
      for (String sink : List.of("even-sink", "odd-sink")) {
        String name = sink.replace("-sink", "");
        Path file = dir.resolve(name + ".ndjson");
        Files.writeString(file, DOCKER.env().docker(Duration.ofMinutes(2), "run", "--rm", "-v", compose.name() + "_" + sink + "-data:/data:ro",
            DOCKER.env().jreImage(), "cat", "/data/" + name + ".ndjson"));
        SinkFile out = SinkFile.read(file);
        assertEquals(out.lines(), out.distinctIds(), sink + ": lines and distinct ids (no duplicates): " + out.duplicates());
        assertEquals((long) (sink.equals("even-sink") ? evens : odds), out.lines(), sink + ": lines and its messages metric");
        boolean wantEven = sink.equals("even-sink");
        List<String> misrouted = out.values().values().stream().filter(v -> even(v) != wantEven).limit(5).toList();
        assertTrue(misrouted.isEmpty(), sink + " got values of the other tag: " + misrouted);
        assertEquals(1, out.prefixes().size(), sink + ": one source run: " + out.prefixes());
        counters.put(sink, out.counters(out.prefixes().get(0)));
      }
    }
    // every message in exactly one of the two files: together the source's ids 0..COUNT-1, each once
    TreeSet<Long> all = new TreeSet<>(counters.get("even-sink"));
    all.addAll(counters.get("odd-sink"));
    assertEquals(COUNT, counters.get("even-sink").size() + counters.get("odd-sink").size(), "ids in both files together");
    assertEquals(COUNT, all.size(), "distinct ids over both files (none in both)");
    SinkFile.assertContiguous(all, 0, "ids <prefix>-<n>/0 over both sinks");
    assertTrue(counters.get("even-sink").size() > COUNT / 4 && counters.get("odd-sink").size() > COUNT / 4,
        "both sinks get a share of the random values: " + counters.get("even-sink").size() + " even, "
            + counters.get("odd-sink").size() + " odd");
  }
}
