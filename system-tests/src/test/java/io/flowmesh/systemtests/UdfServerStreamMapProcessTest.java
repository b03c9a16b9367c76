package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * generator → map (stream-map) → file sink, the UDF being Flowmesh's own library in stream-map
 * mode ({@code flowmesh-udf.jar words --mode stream-map --chunk 8 --pause 1ms}: each 32-character
 * value becomes 4 results, a millisecond apart, so many ids are in flight and their responses
 * interleave, each carrying its id), killed with SIGKILL mid-run and started again: every input's
 * 4 pieces arrive, under ids {@code <input>/0..3}, each exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class UdfServerStreamMapProcessTest {

  private static final int COUNT = 20_000;
  private static final int PIECES = 4;
  private static final String PREFIX = "words";

  @Test
  void everyPieceArrivesOnceThroughAKillOfTheLibrarysStreamMapUdf(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT), "FLOWMESH_SOURCE_RATE", "5000",
        "FLOWMESH_SOURCE_MSG_SIZE", "32", "FLOWMESH_SOURCE_ID_PREFIX", PREFIX, "FLOWMESH_MAP_MODE", "stream-map");
    List<String> udfArgs = List.of("--mode", "stream-map", "--chunk", "8", "--pause", "1ms");
    try (Pipeline p = Pipeline.start(dir, "words", udfArgs, env)) {
      Await.until("a quarter of the pieces in the sink file", Duration.ofSeconds(120),
          () -> SinkFile.countLines(p.sinkFile()) >= COUNT, p::logs);
      p.udf().process().destroyForcibly(); // SIGKILL
      assertTrue(p.udf().waitFor(Duration.ofSeconds(10)), "the UDF exited after SIGKILL");
      long atKill = SinkFile.countLines(p.sinkFile());
      assertTrue(atKill < (long) COUNT * PIECES, "killed before the run ended: " + atKill + " lines");
      p.startUdf();
      RunOutcome.awaitComplete(p, Duration.ofSeconds(150));
      String mapLog = p.service(Vertex.MAP).process().logText();
      p.close();

      SinkFile out = SinkFile.read(p.sinkFile());
      StreamPieces.assertEveryPieceOnce(out, PREFIX, COUNT, PIECES);
      assertFalse(mapLog.contains("answers without ids"), "the library's responses carry their ids (unlike SDK 0.9.2's)");
      assertFalse(mapLog.contains("protocol violation"), "no protocol violation in map's log");
    }
  }
}
