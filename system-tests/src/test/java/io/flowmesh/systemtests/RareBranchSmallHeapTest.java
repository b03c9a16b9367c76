package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonObject;
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
 * A map vertex with the JVM options it ships with ({@code map-service/jvm.options}: a 40 MB heap)
 * and two named edges: {@code common} takes every output but one in thirty, {@code rare} (tag
 * condition {@code or:rare}) that one, and rare's sink is not running. The map's outputs wait for
 * rare's subscriber in its queue, up to the shared bound ({@code map.output-capacity}, 1,024), and
 * the map then stops taking input. Each output's value is a slice of the frame of UDF answers it
 * came in (~30 of 2 KB), and each of rare's is the only one of its frame still held: before a
 * queue's long waiters were copied out of their frames, the 1,024 kept ~60 MB of frames alive and
 * the map ran out of heap and exited. Then rare's sink starts and everything is delivered.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RareBranchSmallHeapTest {

  private static final int COUNT = 60_000;
  private static final int EVERY = 30;
  /** map-service's default {@code map.output-capacity}: what the queue of an edge nobody reads fills to. */
  private static final int BOUND = 1_024;

  @Test
  void aFortyMegabyteMapHoldingAThousandOutputsForARareBranchWithoutItsSinkKeepsRunningAndDeliversThemWhenItComes(
      @TempDir Path dir) throws Exception {
    int[] ports = Ports.free(7);
    Map<String, String> env = Pipeline.forkEnv(ports, "common=not:rare", "rare=or:rare");
    env.put("MALLOC_ARENA_MAX", "2");
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "2000");
    env.put("FLOWMESH_SINK_TYPE", "blackhole");

    List<AutoCloseable> running = new ArrayList<>();
    try {
      JavaProcess udf = JavaProcess.start("udf", Project.udfJar(),
          List.of("cat", "--tags", "rare", "--tag-every", String.valueOf(EVERY), "--address", "tcp://127.0.0.1:" + ports[0]),
          Map.of(), dir);
      running.add(udf);
      udf.awaitLog(" listening on ", Pipeline.START_TIMEOUT);
      ServiceProcess common = sink("common", env, ports[5], dir);
      running.add(0, common);
      ServiceProcess map = ServiceProcess.start(Vertex.MAP, "map", env, dir, List.of("@" + Project.path("map-service/jvm.options")));
      running.add(0, map);
      ServiceProcess source = ServiceProcess.start(Vertex.SOURCE, env, dir);
      running.add(0, source);
      common.awaitReady(Pipeline.START_TIMEOUT);
      source.awaitReady(Pipeline.START_TIMEOUT);
      map.awaitListening(Pipeline.START_TIMEOUT); // not ready: nobody reads its edge to rare

      // rare's queue fills to the bound (a little over: outputs of elements in the UDF then are queued too) and the
      // map stops taking input; the queue is looked at every 100 ms, and each output there holding a small part of
      // its frame is copied (one alone in its frame, as when the UDF answered one element in a turn, is left)
      Await.until("rare's outputs queued up to the bound and copied out of their frames", Duration.ofSeconds(90), () -> {
        assertTrue(map.process().alive(), "map-service exited\n" + map.process().logTail(20));
        JsonObject rare = edge(map, 1);
        return rare.getInteger("queued") >= BOUND && rare.getLong("detached") >= rare.getInteger("queued") / 2;
      }, () -> "map's edges: " + map.status().getJsonObject("edge") + "\n" + map.process().logTail(10));
      Thread.sleep(1_000); // every look since: nothing more to take or to copy
      JsonObject rareEdge = edge(map, 1);
      long heap = heapAfterFullCollection(map);
      System.out.println("RareBranchSmallHeapTest: rare held " + rareEdge.getInteger("queued") + " outputs, copied "
          + rareEdge.getLong("detached") + "; map's heap after a full collection " + heap / 1_000_000 + " MB");
      assertTrue(map.process().alive(), "map-service exited while holding rare's outputs\n" + map.process().logTail(20));
      // common's outputs are acked at once: at most a frame's part now and then is copied (sent at a look, the rest queued)
      JsonObject commonEdge = edge(map, 0);
      assertTrue(commonEdge.getLong("detached") * 100 <= commonEdge.getLong("sent"), "common's outputs copied: " + commonEdge);
      // ~1,000 outputs of 2 KB are 2 MB; their frames of ~30 answers would be 60 MB, more than the heap
      assertTrue(heap < 20_000_000, "map's heap after a full collection, holding rare's outputs: " + heap + " bytes; " + rareEdge);

      Http.Response readyz = map.get("/readyz");
      assertEquals(503, readyz.status(), "map ready without rare's subscriber: " + readyz.body());
      assertTrue(readyz.body().contains("edge map -> rare: no subscriber yet"), readyz.body());

      ServiceProcess rare = sink("rare", env, ports[6], dir);
      running.add(0, rare);
      rare.awaitReady(Pipeline.START_TIMEOUT);
      map.awaitReady(Pipeline.START_TIMEOUT);
      RunOutcome.awaitComplete(source, Duration.ofSeconds(120), () -> map.process().logTail(20));
      assertEquals(COUNT, source.status().getLong("acked"), "messages acked at the source");
      assertEquals((COUNT + EVERY - 1) / EVERY, edge(map, 1).getLong("acked"), "rare's outputs acked: " + edge(map, 1));
      assertTrue(map.process().alive(), "map-service exited\n" + map.process().logTail(20));
    } finally {
      for (AutoCloseable c : running) {
        c.close();
      }
    }
  }

  private static ServiceProcess sink(String name, Map<String, String> env, int port, Path dir) throws Exception {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put("FLOWMESH_VERTEX_NAME", name);
    e.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(port));
    return ServiceProcess.start(Vertex.SINK, name, e, Files.createDirectories(dir.resolve(name)));
  }

  /** The map's {@code /status} figures of its edge {@code i} (0: common, 1: rare). */
  private static JsonObject edge(ServiceProcess map, int i) {
    return map.status().getJsonObject("edge").getJsonArray("edges").getJsonObject(i);
  }

  /** Has the JVM run a full collection ({@code jcmd GC.run}), then reads the heap in use from its metrics. */
  private static long heapAfterFullCollection(ServiceProcess s) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(s.process().process().pid()), "GC.run")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd GC.run on " + s.vertex());
    PromText.Parsed m = MetricsText.parse(s.get("/metrics").body());
    return (long) m.sum("jvm_memory_used_bytes", Map.of("area", "heap"));
  }
}
