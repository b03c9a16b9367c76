package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * carries 100 KB messages behind a sink slower than the source, and stays up. Before the edge
 * bounded its credit by bytes, the map took 1,024 of them into its input buffer and 1,024 more as
 * unacked outputs, ran out of heap within seconds, exited, and on a restart took the same messages
 * again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LargeMessagesSmallHeapTest {

  private static final int COUNT = 3_000;
  private static final int SIZE = 100_000;
  private static final String PREFIX = "big";

  @Test
  void aFortyMegabyteMapCarriesHundredKilobyteMessagesThroughASlowSink(@TempDir Path dir) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_RATE", "1000");
    env.put("FLOWMESH_SOURCE_MSG_SIZE", String.valueOf(SIZE));
    env.put("FLOWMESH_SOURCE_ID_PREFIX", PREFIX);
    env.put("FLOWMESH_SINK_THROTTLE", "300"); // the sink is the slowest: the map fills up behind it
    env.put("MALLOC_ARENA_MAX", "2");
    List<String> mapJvm = List.of("@" + Project.path("map-service/jvm.options"));
    try (Pipeline p = Pipeline.start(dir, "cat", List.of(), mapJvm, env)) {
      p.awaitAllAckedWithMapUp(COUNT, Duration.ofSeconds(120));

      SinkFile.IdCount ids = SinkFile.countIds(p.sinkFile(), PREFIX, COUNT);
      assertEquals(List.of(), ids.missing(), "ids missing (the first ten)");
      assertEquals(COUNT, ids.distinct(), "distinct ids");
    }
  }
}
