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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join as processes: two generator sources (vertices source-a and source-b) → one map
 * subscribing to both by {@code map.upstream.source-a} / {@code map.upstream.source-b} → a file
 * sink. The names hold '-', which the environment cannot carry in a prefix key's suffix (it reads
 * '_' as '.'), so the map reads them from its config file ({@code FLOWMESH_CONFIG}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JoinProcessTest {

  private static final int COUNT_A = 30_000;
  private static final int COUNT_B = 12_000;
  /** source-b's generator jitter: its watermark trails the clock by this, source-a's by nothing. */
  private static final long JITTER_B_MILLIS = 20_000;

  @Test
  void twoSourcesJoinedByOneMapArriveCompleteAndTheMapsWatermarkFollowsTheSlowerSource(@TempDir Path dir) {
    int[] ports = Ports.free(9);
    Map<String, String> common = Pipeline.processEnv();
    List<ServiceProcess> started = new ArrayList<>();
    JavaProcess udf = null;
    try {
      udf = JavaProcess.start("udf", Project.udfJar(), List.of("uppercase", "--address", "tcp://127.0.0.1:" + ports[0]), Map.of(), dir);
      JavaProcess u = udf;
      Await.until("the UDF listening", Duration.ofSeconds(60), () -> u.logText().contains(" listening on "), () -> u.logTail(20));

      ServiceProcess a = source(started, dir, common, "source-a", "a", COUNT_A, 0, ports[1], ports[2]);
      ServiceProcess b = source(started, dir, common, "source-b", "b", COUNT_B, JITTER_B_MILLIS, ports[3], ports[4]);

      Path mapConfig = dir.resolve("map.yaml");
      write(mapConfig, "map.upstream.source-a: \"127.0.0.1:" + ports[2] + "\"\n"
          + "map.upstream.source-b: \"127.0.0.1:" + ports[4] + "\"\n");
      Map<String, String> mapEnv = new LinkedHashMap<>(common);
      mapEnv.put("FLOWMESH_CONFIG", mapConfig.toString());
      mapEnv.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[5]));
      mapEnv.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[6]));
      mapEnv.put("FLOWMESH_MAP_INSTANCES", "1");
      mapEnv.put("FLOWMESH_UDF_ADDRESS", "tcp://127.0.0.1:" + ports[0]);
      ServiceProcess map = ServiceProcess.start(Vertex.MAP, mapEnv, dir);
      started.add(map);

      Path out = dir.resolve("out.ndjson");
      Map<String, String> sinkEnv = new LinkedHashMap<>(common);
      sinkEnv.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(ports[7]));
      sinkEnv.put("FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + ports[6]);
      sinkEnv.put("FLOWMESH_SINK_TYPE", "file");
      sinkEnv.put("FLOWMESH_SINK_PATH", out.toString());
      ServiceProcess sink = ServiceProcess.start(Vertex.SINK, sinkEnv, dir);
      started.add(sink);
      for (ServiceProcess s : started) {
        s.awaitReady(Duration.ofSeconds(60));
      }
      Await.until("both sources' bounded runs acked end to end", Duration.ofSeconds(120),
          () -> a.status().getBoolean("complete", false) && b.status().getBoolean("complete", false),
          () -> "source-a " + a.status().encode() + "\nsource-b " + b.status().encode() + "\n" + map.process().logTail(20));
      assertEquals(COUNT_A, a.status().getLong("acked"), "source-a acked");
      assertEquals(COUNT_B, b.status().getLong("acked"), "source-b acked");

      SinkFile file = SinkFile.read(out);
      assertEquals(COUNT_A + COUNT_B, file.distinctIds(), "distinct ids in " + out);
      assertEquals(COUNT_A + COUNT_B, file.lines(), "lines (no duplicates) in " + out);
      SinkFile.assertContiguous(file.counters("a"), 0, "ids a-<n>/0");
      SinkFile.assertContiguous(file.counters("b"), 0, "ids b-<n>/0");
      assertEquals(COUNT_A - 1, file.counters("a").last());
      assertEquals(COUNT_B - 1, file.counters("b").last());

      // The map's watermark follows source-b (20 s behind the clock), not source-a (at the clock).
      long bBefore = b.status().getLong("watermark");
      Await.until("the map's watermark to follow source-b past " + bBefore, Duration.ofSeconds(30),
          () -> watermark(map) > bBefore, () -> map.status().encode());
      long mapWm = watermark(map);
      long aNow = a.status().getLong("watermark");
      long bNow = b.status().getLong("watermark");
      assertTrue(mapWm <= bNow, "the map (" + mapWm + ") is never ahead of its slower upstream source-b (" + bNow + ")");
      assertTrue(mapWm < aNow - JITTER_B_MILLIS / 2, "the map (" + mapWm + ") is held back by source-b, not at source-a ("
          + aNow + ")");
      JsonArray upstreams = map.status().getJsonArray("instances").getJsonObject(0).getJsonArray("upstreamVertices");
      assertEquals("source-a", upstreams.getJsonObject(0).getString("vertex"), upstreams.encode());
      assertEquals("source-b", upstreams.getJsonObject(1).getString("vertex"), upstreams.encode());
      assertEquals(1, upstreams.getJsonObject(1).getJsonArray("replicas").size(), upstreams.encode());
    } finally {
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close();
      }
      if (udf != null) {
        udf.close();
      }
    }
  }

  private static ServiceProcess source(List<ServiceProcess> started, Path dir, Map<String, String> common, String name,
      String idPrefix, int count, long jitterMillis, int httpPort, int edgePort) {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("FLOWMESH_VERTEX_NAME", name);
    env.put("FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(httpPort));
    env.put("FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(edgePort));
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(count));
    env.put("FLOWMESH_SOURCE_RATE", "10000");
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "50");
    env.put("FLOWMESH_SOURCE_ID_PREFIX", idPrefix);
    env.put("FLOWMESH_SOURCE_JITTER", jitterMillis + "ms");
    ServiceProcess s = ServiceProcess.start(Vertex.SOURCE, name, env, dir);
    started.add(s);
    return s;
  }

  private static long watermark(ServiceProcess map) {
    JsonObject status = map.status();
    return status.getJsonArray("instances").getJsonObject(0).getLong("watermark");
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
