package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
      p.awaitAllAckedWithMapUp(COUNT, Duration.ofSeconds(180));
      double detached = MetricsText.parse(p.service(Vertex.MAP).get("/metrics").body()).sum("flowmesh_map_udf_detached_total");
      // ~2 % of the inputs took 2 s: each was detached, and some fast ones a collection or a late turn held past 5 ms
      assertTrue(detached >= COUNT / 100, "inputs detached from their frames: " + detached);
    }
  }
}
