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
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-map chain as processes ({@link Chain}): generator source → preprocess (uppercase UDF) →
 * infer (cat) → postprocess (cat) → file sink, each map its own process with its own UDF process.
 * Every map derives its outputs' ids from its input's ({@code <input id>/<index>}), so the sink
 * sees {@code <prefix>-<n>/0/0/0}, the same id whichever map re-sent it.
 *
 * <p>The kill case: kill -9 of the middle map while messages are in flight, and a start on the same
 * ports. The first map re-sends what the killed one held unacked (the restarted one derives the same
 * ids from it), so the sink receives some ids twice; with {@code sink.dedupe-window} holding every id
 * of the run it writes each once and counts the rest as duplicates, and those can only be what the
 * killed map held unacked: at most its instances × {@code edge.max-unacked}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChainProcessTest {

  private static final List<String> MAPS = List.of("preprocess", "infer", "postprocess");
  private static final List<String> UDFS = List.of("uppercase", "cat", "cat");
  private static final int MIDDLE = 1;
  private static final int MAX_UNACKED = 4096;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

  @Test
  void threeMapsInAChainWriteEveryIdOnceDerivedAtEachStepAndTheSourceSeesEveryMessageAcked(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    int count = 40_000;
    String prefix = "chain";
    try (Chain c = Chain.start(dir, MAPS, UDFS, generator(prefix, count, Map.of()))) {
      RunOutcome.awaitComplete(c.source(), RUN_TIMEOUT, c::logs);
      assertEquals(count, c.source().status().getLong("acked"), "messages acked at the source");
      for (int i = 0; i < MAPS.size(); i++) {
        // every message went through every map: each map's edge had all of them acked by the next vertex
        var edge = c.map(i).status().getJsonObject("edge");
        assertEquals(count, edge.getLong("acked"), MAPS.get(i) + "'s edge acked: " + edge.encode());
      }
      c.close();
      RunOutcome out = RunOutcome.read(c.sinkFile(), prefix, count, c.idSuffix());
      out.assertNothingLost();
      out.assertNoDuplicates();
    }
  }

  @Test
  void killingTheMiddleMapWithSigkillLosesNothingAndTheSinksDedupeWindowDropsOnlyWhatItHeldUnacked(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    int count = 100_000;
    String prefix = "chainkill";
    Map<String, String> env = generator(prefix, count, Map.of(
        "FLOWMESH_EDGE_MAX_UNACKED", String.valueOf(MAX_UNACKED),
        "FLOWMESH_SINK_DEDUPE_WINDOW", String.valueOf(count)));
    try (Chain c = Chain.start(dir, MAPS, UDFS, env)) {
      int instances = c.map(MIDDLE).status().getJsonArray("instances").size();
      Await.until("a third of the run acked at the source", RUN_TIMEOUT, () -> {
        c.assertAllAlive();
        return c.source().status().getLong("acked") >= count / 3;
      }, c::logs);
      JavaProcess middle = c.map(MIDDLE).process();
      middle.process().destroyForcibly();
      assertTrue(middle.waitFor(Duration.ofSeconds(10)), "the middle map still running 10 s after kill -9");
      c.restartMap(MIDDLE);

      RunOutcome.awaitComplete(c.source(), RUN_TIMEOUT, c::logs);
      assertEquals(count, c.source().status().getLong("acked"), "messages acked at the source");
      long redelivered = c.map(0).status().getJsonObject("edge").getLong("redelivered");
      assertTrue(redelivered > 0, "the first map re-sent nothing: the middle one was killed with nothing in flight");
      long dropped = c.sink().status().getLong("duplicates");
      long bound = (long) instances * MAX_UNACKED;
      assertTrue(dropped <= bound, dropped + " duplicates dropped at the sink, more than the killed map could hold"
          + " unacked (" + instances + " instances x edge.max-unacked " + MAX_UNACKED + " = " + bound + ")");
      c.close();
      RunOutcome out = RunOutcome.read(c.sinkFile(), prefix, count, c.idSuffix());
      out.assertNothingLost();
      out.assertNoDuplicates();
      System.out.printf("chain kill -9 of %s: %,d messages, %,d re-sent by %s, %,d duplicates dropped by the sink%n",
          MAPS.get(MIDDLE), count, redelivered, MAPS.get(0), dropped);
    }
  }

  /** A bounded generator at full speed, small messages, ids {@code <prefix>-<n>}. */
  private static Map<String, String> generator(String prefix, int count, Map<String, String> extra) {
    Map<String, String> env = new java.util.LinkedHashMap<>(Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(count),
        "FLOWMESH_SOURCE_RATE", "0",
        "FLOWMESH_SOURCE_MSG_SIZE", "64",
        "FLOWMESH_SOURCE_ID_PREFIX", prefix));
    env.putAll(extra);
    return env;
  }
}
