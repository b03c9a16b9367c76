package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fan-out as processes, where one downstream vertex is slow or missing.
 *
 * <p>A throttled sink: a generator source sends to two file sinks by {@code source.edge.to}, one
 * of them held to a few hundred messages a second by {@code sink.throttle}. The fast one goes ahead
 * by up to the source's shared bound ({@code source.queue-capacity}), which the slow edge then
 * holds; past it the source produces only as the slow sink takes; at the end both have everything.
 *
 * <p>An edge nobody takes: a map with {@code map.edge.to=sink-a,sink-b} and only sink-a running is
 * not ready, its reason naming the edge to sink-b; once sink-b subscribes it is ready again and
 * both sinks get everything.
 *
 * <p>Duplicates: delivery is at least once, so a sink could see an id twice after a redelivery;
 * no process fails here, each edge reports 0 redelivered, and then each sink must hold every id
 * exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FanOutProcessTest {

  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  private ServiceProcess source(Map<String, String> common, Path dir, int count, int httpPort, int edgePort, Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(httpPort));
    env.put("FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(edgePort));
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(count));
    env.put("FLOWMESH_SOURCE_RATE", "20000");
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "50");
    env.put("FLOWMESH_SOURCE_ID_PREFIX", "f");
    env.putAll(extra);
    ServiceProcess s = ServiceProcess.start(Vertex.SOURCE, env, dir);
    running.add(s);
    return s;
  }

  private ServiceProcess sink(Map<String, String> common, Path dir, String name, int httpPort, int upstreamPort,
      Map<String, String> extra) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("FLOWMESH_VERTEX_NAME", name);
    env.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(httpPort));
    env.put("FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + upstreamPort);
    env.put("FLOWMESH_SINK_TYPE", "file");
    env.put("FLOWMESH_SINK_PATH", dir.resolve(name + ".ndjson").toString());
    env.putAll(extra);
    ServiceProcess s = ServiceProcess.start(Vertex.SINK, name, env, Files.createDirectories(dir.resolve(name)));
    running.add(s);
    return s;
  }

  /** The named edge to {@code to} in a vertex's {@code /status} edge object. */
  private static JsonObject edgeTo(JsonObject edge, String to) {
    JsonArray edges = edge.getJsonArray("edges");
    for (int i = 0; i < edges.size(); i++) {
      if (to.equals(edges.getJsonObject(i).getString("to"))) {
        return edges.getJsonObject(i);
      }
    }
    throw new AssertionError("no edge to " + to + " in " + edge.encode());
  }

  /** Every id {@code f-0<suffix>..f-<count-1><suffix>} once, nothing else. */
  private static void assertEverythingOnce(Path file, String suffix, int count, String sink) {
    SinkFile out = SinkFile.read(file, suffix);
    SinkFile.assertContiguous(out.counters("f"), 0, "ids in " + sink);
    assertEquals(count - 1, out.counters("f").last(), "the last id in " + sink);
    assertEquals(count, out.distinctIds(), "distinct ids in " + sink);
    assertEquals(count, out.lines(), "lines in " + sink + " (no duplicates: nothing was redelivered)");
  }

  @Test
  void theFastSinkGoesAheadByTheSharedBoundWhichTheThrottledEdgeHoldsAndBothGetEverything(@TempDir Path dir) throws Exception {
    int count = 4_000;
    int bound = 1_000;
    int[] ports = Ports.free(4);
    Map<String, String> common = Pipeline.processEnv();
    ServiceProcess source = source(common, dir, count, ports[0], ports[1], Map.of(
        "FLOWMESH_SOURCE_EDGE_TO", "sink-fast,sink-slow", "FLOWMESH_SOURCE_QUEUE_CAPACITY", String.valueOf(bound)));
    source.awaitReady(Pipeline.START_TIMEOUT);
    ServiceProcess fast = sink(common, dir, "sink-fast", ports[2], ports[1], Map.of());
    // 250 messages a second, and a small input buffer: what the slow sink has not taken waits at the source
    ServiceProcess slow = sink(common, dir, "sink-slow", ports[3], ports[1], Map.of(
        "FLOWMESH_SINK_THROTTLE", "250", "FLOWMESH_EDGE_INPUT_CAPACITY", "50", "FLOWMESH_EDGE_MAX_UNACKED", "100"));
    fast.awaitReady(Pipeline.START_TIMEOUT);
    slow.awaitReady(Pipeline.START_TIMEOUT);

    // While the slow sink is far from done, the fast one is ahead of it by nearly the whole bound, held on the slow edge.
    JsonObject[] seen = new JsonObject[1];
    Await.until("sink-fast ahead of sink-slow by 90% of the bound", Duration.ofSeconds(90), () -> {
      JsonObject edge = source.status().getJsonObject("edge");
      seen[0] = edge;
      JsonObject f = edgeTo(edge, "sink-fast");
      JsonObject s = edgeTo(edge, "sink-slow");
      return f.getLong("acked") - s.getLong("acked") >= bound * 9L / 10;
    }, () -> "source's edge: " + seen[0]);
    JsonObject s = edgeTo(seen[0], "sink-slow");
    assertTrue(s.getLong("acked") + bound < count, "reached while sink-slow still had most to take: " + s);
    assertTrue(s.getInteger("queued") >= bound / 2, "the slow edge holds what sink-slow has not taken: " + s);

    // Until the end: the bound holds, and whatever sink-fast has that sink-slow has not acked waits on the slow edge.
    Await.until("every message acked by both sinks", Duration.ofSeconds(120), () -> {
      JsonObject st = source.status();
      JsonObject edge = st.getJsonObject("edge");
      seen[0] = edge;
      JsonObject f = edgeTo(edge, "sink-fast");
      JsonObject sl = edgeTo(edge, "sink-slow");
      int held = edge.getInteger("queued");
      assertTrue(held <= bound, "messages held (" + held + ") over the shared bound " + bound + ": " + edge);
      assertTrue(sl.getInteger("queued") <= held, "the slow edge's queue within what is held: " + edge);
      long lead = f.getLong("acked") - sl.getLong("acked");
      assertTrue(lead <= sl.getLong("queued") + sl.getLong("unacked"),
          "sink-fast acked " + lead + " more than sink-slow, more than wait on the slow edge: " + edge);
      return st.getBoolean("complete", false);
    }, () -> "source's edge: " + seen[0] + "\n" + slow.process().logTail(10));

    JsonObject st = source.status();
    assertEquals(count, st.getLong("acked"), "acked at the source: " + st);
    for (String sink : List.of("sink-fast", "sink-slow")) {
      JsonObject e = edgeTo(st.getJsonObject("edge"), sink);
      assertEquals(count, e.getLong("acked"), "acked on the edge to " + sink + ": " + e);
      assertEquals(0L, e.getLong("redelivered"), "redelivered on the edge to " + sink + ": " + e);
      assertEverythingOnce(dir.resolve(sink + ".ndjson"), "", count, sink);
    }
  }

  @Test
  void aMapWithAnEdgeNobodyTakesIsNotReadyNamingItUntilItsSinkComes(@TempDir Path dir) throws Exception {
    int count = 3_000;
    int outputCapacity = 500;
    int[] ports = Ports.free(8);
    Map<String, String> common = Pipeline.processEnv();
    JavaProcess udf = JavaProcess.start("udf", Project.udfJar(), List.of("cat", "--address", "tcp://127.0.0.1:" + ports[0]),
        Map.of(), dir);
    running.add(udf);
    udf.awaitLog(" listening on ", Pipeline.START_TIMEOUT);
    ServiceProcess sinkA = sink(common, dir, "sink-a", ports[1], ports[5], Map.of());
    Map<String, String> mapEnv = new LinkedHashMap<>(common);
    mapEnv.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[4]));
    mapEnv.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[5]));
    mapEnv.put("FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + ports[7]);
    mapEnv.put("FLOWMESH_MAP_INSTANCES", "1");
    mapEnv.put("FLOWMESH_MAP_OUTPUT_CAPACITY", String.valueOf(outputCapacity));
    mapEnv.put("FLOWMESH_MAP_EDGE_TO", "sink-a,sink-b");
    mapEnv.put("FLOWMESH_UDF_ADDRESS", "tcp://127.0.0.1:" + ports[0]);
    ServiceProcess map = ServiceProcess.start(Vertex.MAP, mapEnv, dir);
    running.add(map);
    ServiceProcess source = source(common, dir, count, ports[6], ports[7], Map.of());
    source.awaitReady(Pipeline.START_TIMEOUT);
    sinkA.awaitReady(Pipeline.START_TIMEOUT);
    map.awaitListening(Pipeline.START_TIMEOUT); // never ready before sink-b comes, so wait only for its endpoint

    String[] readyz = {""};
    Await.until("the map not ready, naming the edge to sink-b", Duration.ofSeconds(90), () -> {
      Http.Response r = map.get("/readyz");
      readyz[0] = r.status() + " " + r.body();
      return r.status() == 503 && r.body().contains("edge map -> sink-b: no subscriber yet");
    }, () -> "last /readyz: " + readyz[0] + "\n" + map.process().logTail(20));
    assertFalse(readyz[0].contains("sink-a"), "only the edge without a subscriber is named: " + readyz[0]);
    JsonObject edge = map.status().getJsonObject("edge");
    assertEquals(new JsonArray().add("sink-b"), edge.getJsonObject("subscription").getJsonArray("edgesWithoutSubscriber"),
        edge.encode());
    // sink-a has its copies and acks them as it writes them: wait for that, it may not have yet
    JsonObject[] seenEdge = {edge};
    Await.until("sink-a to ack its copies while sink-b is missing", Duration.ofSeconds(60), () -> {
      seenEdge[0] = map.status().getJsonObject("edge");
      return edgeTo(seenEdge[0], "sink-a").getLong("acked") > 0;
    }, () -> "map's edge: " + seenEdge[0].encode());
    edge = seenEdge[0];
    assertTrue(edgeTo(edge, "sink-b").getInteger("queued") > 0, "what is owed to sink-b waits for it: " + edge);
    // no input is done until sink-b has its copy too, and the map stops at its bound: the source cannot finish
    assertEquals(0L, source.status().getLong("acked"), "acked at the source while sink-b is missing");

    ServiceProcess sinkB = sink(common, dir, "sink-b", ports[2], ports[5], Map.of());
    sinkB.awaitReady(Pipeline.START_TIMEOUT);
    map.awaitReady(Duration.ofSeconds(60));
    Await.until("every message acked at the source", Duration.ofSeconds(120),
        () -> source.status().getBoolean("complete", false),
        () -> "source " + source.status().encode() + "\nmap's edge: " + map.status().getJsonObject("edge").encode());
    assertEquals(count, source.status().getLong("acked"), "acked at the source");
    edge = map.status().getJsonObject("edge");
    for (String sink : List.of("sink-a", "sink-b")) {
      assertEquals(0L, edgeTo(edge, sink).getLong("redelivered"), "redelivered on the edge to " + sink + ": " + edge);
      assertEverythingOnce(dir.resolve(sink + ".ndjson"), SinkFile.ONE_MAP, count, sink);
    }
  }
}
