package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * generator → map (stream-map) → file sink, the UDF being the Numaflow SDK 0.9.2 MapStreamer of
 * {@code examples/numaflow-sdk-udf} ({@code stream-map --chunk 8}: each 32-character value
 * becomes 4 results), killed with SIGKILL mid-run and started again: every input's 4 pieces
 * arrive, under ids {@code <input>/0..3}, each exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StreamMapProcessTest {

  private static final int COUNT = 30_000;
  private static final int PIECES = 4;
  private static final String PREFIX = "words";

  @Test
  void everyPieceArrivesOnceThroughAKillOfTheSdkMapStreamer(@TempDir Path dir) throws Exception {
    Path jar = Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT), "FLOWMESH_SOURCE_RATE", "5000",
        "FLOWMESH_SOURCE_MSG_SIZE", "32", "FLOWMESH_SOURCE_ID_PREFIX", PREFIX, "FLOWMESH_MAP_MODE", "stream-map");
    try (Pipeline p = Pipeline.startWithUdfJar(dir, jar, "stream-map", List.of("--chunk", "8"), env)) {
      Await.until("a quarter of the pieces in the sink file", Duration.ofSeconds(120),
          () -> SinkFile.countLines(p.sinkFile()) >= COUNT, p::logs);
      p.udf().process().destroyForcibly(); // SIGKILL
      assertTrue(p.udf().waitFor(Duration.ofSeconds(10)), "the UDF exited after SIGKILL");
      long atKill = SinkFile.countLines(p.sinkFile());
      assertTrue(atKill < (long) COUNT * PIECES, "killed before the run ended: " + atKill + " lines");
      p.startUdf();
      RunOutcome.awaitComplete(p, Duration.ofSeconds(150));
      p.close();

      SinkFile out = SinkFile.read(p.sinkFile());
      StreamPieces.assertEveryPieceOnce(out, PREFIX, COUNT, PIECES);
    }
  }
}
