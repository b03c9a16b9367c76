package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional forwarding through the real jars: the http source takes the numbers 0..5999 as values,
 * map (the even-odd example UDF tags each message by its number) sends to two file sinks, {@code sink-even} and {@code sink-odd}, each subscribing to the map with
 * the plain {@code sink.upstream} address and its own {@code vertex.name}. The map has
 * {@code map.edge.to=sink-even,sink-odd} and a tag condition per edge, set from the environment as
 * {@code FLOWMESH_MAP_EDGE_CONDITION_SINK_EVEN} (a variable cannot spell the dash).
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class EvenOddFanOutTest {

  private static final int COUNT = 6_000;
  private static final int PER_REQUEST = 500;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void everyEvenMessageReachesSinkEvenAndEveryOddOneSinkOddOnceAndNothingElse(@TempDir Path dir) throws Exception {
    int[] ports = Ports.free(7);
    Map<String, String> env = Pipeline.forkEnv(ports, "sink-even=or:even", "sink-odd=or:odd");
    env.put("FLOWMESH_SOURCE_TYPE", "http");
    env.put("FLOWMESH_SINK_TYPE", "file");
    Map<String, Path> files = Map.of("sink-even", dir.resolve("even.ndjson"), "sink-odd", dir.resolve("odd.ndjson"));

    List<AutoCloseable> running = new ArrayList<>();
    try {
      JavaProcess udf = JavaProcess.start("udf", Project.udfJar(), List.of("even-odd", "--address", "tcp://127.0.0.1:" + ports[0]),
          Map.of(), dir);
      running.add(udf);
      udf.awaitLog(" listening on ", Pipeline.START_TIMEOUT);
      List<ServiceProcess> services = new ArrayList<>();
      int sinkPort = 5;
      for (String sink : List.of("sink-even", "sink-odd")) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("FLOWMESH_VERTEX_NAME", sink);
        e.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(ports[sinkPort++]));
        e.put("FLOWMESH_SINK_PATH", files.get(sink).toString());
        services.add(ServiceProcess.start(Vertex.SINK, sink, e, Files.createDirectories(dir.resolve(sink))));
      }
      ServiceProcess map = ServiceProcess.start(Vertex.MAP, env, dir);
      services.add(map);
      ServiceProcess source = ServiceProcess.start(Vertex.SOURCE, env, dir);
      services.add(source);
      services.forEach(s -> running.add(0, s));
      for (ServiceProcess s : services) {
        s.awaitReady(Pipeline.START_TIMEOUT);
      }

      for (int from = 0; from < COUNT; from += PER_REQUEST) {
        ingest(source, from, Math.min(COUNT, from + PER_REQUEST));
      }
      Await.until("every message acked at the source", Duration.ofSeconds(120),
          () -> source.status().getLong("acked", 0L) == COUNT,
          () -> "source: " + source.status() + "\n" + map.process().logTail(20) + "\nmap edge: " + map.status().getJsonObject("edge"));
      assertEquals(COUNT, source.status().getLong("produced"), "produced");

      JsonObject edge = map.status().getJsonObject("edge");
      for (String sink : List.of("sink-even", "sink-odd")) {
        int parity = sink.equals("sink-even") ? 0 : 1;
        SinkFile out = SinkFile.read(files.get(sink));
        TreeSet<Integer> numbers = new TreeSet<>();
        out.values().values().forEach(v -> numbers.add(Integer.parseInt(v)));
        List<Integer> misrouted = numbers.stream().filter(n -> n % 2 != parity).limit(5).toList();
        assertTrue(misrouted.isEmpty(), sink + " got numbers of the other parity: " + misrouted + "; map's edge: " + edge);
        TreeSet<Integer> expected = new TreeSet<>();
        for (int n = parity; n < COUNT; n += 2) {
          expected.add(n);
        }
        assertEquals(expected, numbers, "the numbers in " + sink + " (nothing lost)");
        assertEquals(COUNT / 2, out.distinctIds(), "distinct ids in " + sink);
        assertEquals(COUNT / 2, out.lines(), "lines in " + sink + " (no duplicates)");
      }

      assertEquals(0L, edge.getLong("dropped"), "messages no edge took: " + edge);
      JsonArray edges = edge.getJsonArray("edges");
      for (int i = 0; i < 2; i++) {
        JsonObject e = edges.getJsonObject(i);
        assertEquals(i == 0 ? "sink-even" : "sink-odd", e.getString("to"), "edge " + i + ": " + e);
        assertEquals(1, e.getInteger("subscriberCount"), "one subscriber on " + e.getString("to") + ": " + e);
        assertEquals(COUNT / 2, e.getLong("acked"), "acked on " + e.getString("to") + ": " + e);
        assertEquals(COUNT / 2, e.getLong("notMatched"), "not taken by " + e.getString("to") + "'s condition: " + e);
      }
      String metrics = map.get("/metrics").body();
      List<String> sent = metrics.lines().filter(l -> l.startsWith("flowmesh_edge_sent_total{")).toList();
      for (String to : List.of("sink-even", "sink-odd")) {
        assertTrue(sent.stream().anyMatch(l -> l.contains("to=\"" + to + "\"")
            && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= COUNT / 2), "sent on the edge to " + to + " in /metrics: " + sent);
      }
    } finally {
      for (AutoCloseable c : running) {
        c.close();
      }
    }
  }

  /** POSTs the numbers {@code from..to-1} as one NDJSON batch, again while the source answers 429 (its buffer full). */
  private static void ingest(ServiceProcess source, int from, int to) {
    StringBuilder body = new StringBuilder();
    for (int n = from; n < to; n++) {
      body.append("{\"value\":\"").append(n).append("\"}\n");
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(source.url("/ingest"))).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    int[] status = {0};
    Await.until("the source to accept " + from + ".." + (to - 1), Duration.ofSeconds(60), () -> {
      try {
        status[0] = CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (status[0] != 202 && status[0] != 429) {
        throw new AssertionError("POST /ingest answered " + status[0]);
      }
      return status[0] == 202;
    }, () -> "last status " + status[0]);
  }
}
