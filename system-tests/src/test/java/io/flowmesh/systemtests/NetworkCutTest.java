package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network between vertices fails during a bounded run: a {@link CutProxy} stands on each edge
 * (map dials the source through one, the sink dials map through the other) and resets every
 * connection through it, then refuses new ones for a second. The processes keep running; each
 * edge is redialled, what was unacked on the lost connection is sent again, and nothing is lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetworkCutTest {

  private static final int COUNT = 100_000;
  private static final String PREFIX = "cut";
  private static final int MAX_UNACKED = 8192;
  private static final int MAP_INSTANCES = 2;
  private static final Duration REFUSING = Duration.ofSeconds(1);

  @Test
  void cuttingEachEdgeTwiceAndRefusingForASecondLosesNothingAndEveryEdgeReconnects(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    int sourceEdge = Ports.free();
    int mapEdge = Ports.free();
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    try (CutProxy toSource = CutProxy.start(sourceEdge); CutProxy toMap = CutProxy.start(mapEdge)) {
      Map<String, String> env = new HashMap<>(Map.of(
          "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
          "FLOWMESH_SOURCE_RATE", "0",
          "FLOWMESH_SOURCE_MSG_SIZE", "64",
          "FLOWMESH_SOURCE_ID_PREFIX", PREFIX,
          "FLOWMESH_EDGE_MAX_UNACKED", String.valueOf(MAX_UNACKED),
          "FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(sourceEdge),
          "FLOWMESH_MAP_EDGE_PORT", String.valueOf(mapEdge),
          // two instances: both subscriptions to the source are cut, and instance 1 reaches the edge across loops
          "FLOWMESH_MAP_INSTANCES", String.valueOf(MAP_INSTANCES),
          "FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + toSource.port(),
          "FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + toMap.port()));
      try (Pipeline p = Pipeline.start(dir, "cat", env)) {
        List<CutProxy> cuts = List.of(toSource, toMap, toSource, toMap);
        for (int k = 0; k < cuts.size(); k++) {
          long threshold = (long) ((k + 0.2 + 0.6 * random.nextDouble()) * COUNT / (cuts.size() + 1));
          Await.until(threshold + " messages acked", Duration.ofSeconds(60),
              () -> p.service(Vertex.SOURCE).status().getLong("acked") >= threshold, p::logs);
          CutProxy proxy = cuts.get(k);
          cut(p, proxy, proxy == toSource ? Vertex.MAP : Vertex.SINK);
        }
        RunOutcome.awaitComplete(p, Duration.ofSeconds(60));
        long mapRedials = reconnects(p.service(Vertex.MAP).status(), "upstream");
        long sinkRedials = reconnects(p.service(Vertex.SINK).status(), "edges");
        assertTrue(mapRedials >= 2 * MAP_INSTANCES, "map's edges to the source redialled " + mapRedials + " times");
        assertTrue(sinkRedials >= 2, "the sink's edge to map redialled " + sinkRedials + " times");
        assertTrue(toSource.piped() > MAP_INSTANCES && toMap.piped() > 1, "connections piped after the cuts: to the source "
            + toSource.piped() + ", to map " + toMap.piped());
        p.close();
        RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
        System.out.printf("network cuts (seed %d): %,d messages, 2 cuts of each edge, %,d duplicates%n", seed, COUNT,
            out.duplicates());
        out.assertNothingLost();
        out.assertDuplicatesAtMost(2L * MAP_INSTANCES * MAX_UNACKED + 2L * MAX_UNACKED,
            "a lost source->map edge re-sends what map's instances held unacked, a lost map->sink edge what the sink held");
      }
    }
  }

  /**
   * Resets the proxy's connections and refuses new ones for {@link #REFUSING}; {@code downstream},
   * the vertex that dials through it, must report not ready meanwhile, and ready again after.
   */
  private static void cut(Pipeline p, CutProxy proxy, Vertex downstream) {
    ServiceProcess s = p.service(downstream);
    proxy.refuse(true);
    int open = proxy.cut();
    assertTrue(open > 0, "no connection open through the proxy in front of " + downstream + "'s upstream");
    Await.until(downstream + " not ready while its upstream is cut off", Duration.ofSeconds(10),
        () -> s.get("/readyz").status() == 503, () -> s.get("/readyz").body());
    String reason = s.get("/readyz").json().getString("reason", "");
    assertTrue(reason.contains("connected"), downstream + " not ready, but for another reason: " + reason);
    Await.sleep(REFUSING.toMillis());
    proxy.refuse(false);
    s.awaitReady(Duration.ofSeconds(30));
    if (downstream == Vertex.SINK) {
      // The sink is ready once it is connected, a moment before map has seen the subscription; until
      // then map reports its output edge unread (the refusal lasted a second), which the next cut,
      // of map's own upstream, would find instead of the reason it checks.
      p.service(Vertex.MAP).awaitReady(Duration.ofSeconds(30));
    }
  }

  /** The sum of {@code reconnects} over the edges listed under {@code key} in every instance of a /status. */
  private static long reconnects(JsonObject status, String key) {
    long n = 0;
    for (Object i : status.getJsonArray("instances")) {
      JsonArray edges = ((JsonObject) i).getJsonArray(key);
      for (Object e : edges) {
        n += ((JsonObject) e).getLong("reconnects");
      }
    }
    return n;
  }
}
