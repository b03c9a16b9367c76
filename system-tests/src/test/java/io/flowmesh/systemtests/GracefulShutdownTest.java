package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a flowing pipeline as an operator (or run-local.sh) does: SIGTERM to the source, then
 * map, then sink. Each drains and exits within shutdown.timeout; what the source produced is all
 * in the file.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {

  @Test
  void sigtermUpstreamFirstDuringARunExitsInTimeAndLosesNothing(@TempDir Path dir) {
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_RATE", "20000", "FLOWMESH_SOURCE_ID_PREFIX", "graceful",
        "FLOWMESH_SINK_DEDUPE_WINDOW", "0");
    try (Pipeline p = Pipeline.start(dir, "uppercase", env)) {
      Await.until("20000 lines in the sink file", Duration.ofSeconds(30), () -> SinkFile.countLines(p.sinkFile()) >= 20_000,
          p::logs);
      List<String> stops = new ArrayList<>();
      for (Vertex v : Vertex.values()) { // source, map, sink
        stops.add(RestartTest.stopMidRun(p, v));
      }
      System.out.println("graceful: " + String.join("; ", stops));
      long acked = RestartTest.drainedAcked(p);
      SinkFile out = SinkFile.read(p.sinkFile());
      SinkFile.assertContiguous(out.counters("graceful"), 0, "ids written before the stop");
      assertEquals(acked, out.counters("graceful").size(), "every message the source produced (and saw acked) is in the file");
      assertTrue(out.duplicates().isEmpty(), "an upstream-first stop redelivers nothing: " + out.duplicates().size());
    }
  }
}
