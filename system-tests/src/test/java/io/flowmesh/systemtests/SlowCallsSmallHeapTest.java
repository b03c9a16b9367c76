package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A map vertex with the JVM options it ships with ({@code map-service/jvm.options}: a 40 MB heap)
 * and its default concurrency (500) stays up behind a UDF that takes 2 s over one element in 50.
 * Inputs arrive in batches and their bytes are slices of the batch's frame; before elements the UDF
 * keeps were detached from their frames, each slow element kept its ~64 batch-mates' 2 KB values
 * alive with it, the ~500 slow ones ~60 MB, and map-service ran out of heap within seconds.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowCallsSmallHeapTest {

  private static final int COUNT = 150_000;

  @Test
  void aFortyMegabyteMapCarriesTwoKilobyteMessagesPastAUdfThatHoldsOneInFiftyForTwoSeconds(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "2000");
    env.put("FLOWMESH_SINK_TYPE", "blackhole");
    env.put("MALLOC_ARENA_MAX", "2");
    List<String> mapJvm = List.of("@" + Project.path("map-service/jvm.options"));
    List<String> udf = List.of("--latency", "98%:1ms,2%:2s", "--seed", "3");
    try (Pipeline p = Pipeline.start(dir, "latency", udf, mapJvm, env)) {
      ServiceProcess map = p.service(Vertex.MAP);
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("the source to report all " + COUNT + " messages acked", Duration.ofSeconds(180),
          () -> {
            assertTrue(map.process().alive(), () -> "map-service exited:\n" + p.logs());
            return source.status().getBoolean("complete", false);
          }, p::logs);
      assertEquals(COUNT, source.status().getLong("acked"), "acked end to end");
      assertTrue(map.process().alive(), "map-service is still running (the harness restarts nothing)");
      String mapLog = Files.readString(map.process().log());
      assertFalse(mapLog.contains("OutOfMemoryError"), "map-service ran out of memory:\n" + mapLog);
    }
  }
}
