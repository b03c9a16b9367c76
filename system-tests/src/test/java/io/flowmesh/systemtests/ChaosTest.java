package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Map, sink and UDF processes stopped twice each — kill -9 ({@link Process#destroyForcibly}) or
 * SIGTERM ({@link Process#destroy}) — at moments drawn at random during a bounded run of
 * {@value #COUNT} messages, and started again each time. The source is never stopped: its
 * generator keeps no durable log. {@code scripts/chaos.sh} is the long version.
 *
 * <p>The duplicate bound after kill -9: a killed map re-sends at most what its instances held
 * unacked from the source ({@code map.instances} x {@code edge.max-unacked}); a killed sink, what it
 * held unacked from map (x 1 instance); a killed UDF nothing, because map resends an element only
 * to the UDF and emits its outputs once.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ChaosTest {

  private static final int COUNT = 200_000;
  private static final String PREFIX = "chaos";
  private static final int MAX_UNACKED = 8192;
  /** FLOWMESH_VERTX_EVENT_LOOPS in {@link Pipeline}: map runs one instance per event loop. */
  private static final int MAP_INSTANCES = 2;
  private static final List<String> VICTIMS = List.of("map", "sink", "udf", "map", "sink", "udf");
  private static final Duration STOP_TIMEOUT = Pipeline.SHUTDOWN_TIMEOUT.plusSeconds(10);

  @Test
  void killingMapSinkAndUdfTwiceEachLosesNothingAndDuplicatesStayWithinTheUnackedWindows(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    RunOutcome out = run(dir, true, Map.of());
    out.assertNothingLost();
    long bound = 2L * MAP_INSTANCES * MAX_UNACKED + 2L * MAX_UNACKED;
    out.assertDuplicatesAtMost(bound, "2 map kills x " + MAP_INSTANCES + " instances x edge.max-unacked "
        + MAX_UNACKED + " + 2 sink kills x edge.max-unacked; UDF kills add none");
  }

  @Test
  void withDedupeOnKillingMapSinkAndUdfTwiceEachWritesEveryIdExactlyOnce(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    RunOutcome out = run(dir, true, Map.of("FLOWMESH_SINK_DEDUPE_WINDOW", "100000"));
    out.assertNothingLost();
    out.assertNoDuplicates();
  }

  @Test
  void stoppingMapSinkAndUdfTwiceEachWithSigtermWritesEveryIdExactlyOnceWithoutDedupe(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
    RunOutcome out = run(dir, false, Map.of());
    out.assertNothingLost();
    out.assertNoDuplicates();
  }

  /** Runs {@value #COUNT} messages, stopping and restarting the {@link #VICTIMS} in turn. */
  private static RunOutcome run(Path dir, boolean kill, Map<String, String> extra) {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    Map<String, String> env = new HashMap<>(Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "0",
        "FLOWMESH_SOURCE_MSG_SIZE", "64",
        "FLOWMESH_SOURCE_ID_PREFIX", PREFIX,
        "FLOWMESH_EDGE_MAX_UNACKED", String.valueOf(MAX_UNACKED)));
    env.putAll(extra);
    long start = System.nanoTime();
    try (Pipeline p = Pipeline.start(dir, "cat", env)) {
      int stops = VICTIMS.size();
      for (int k = 0; k < stops; k++) {
        // stop k once (k + u) / (stops + 1) of the run is acked, u uniform in [0.2, 0.8)
        long threshold = (long) ((k + 0.2 + 0.6 * random.nextDouble()) * COUNT / (stops + 1));
        awaitAcked(p, threshold);
        stopAndRestart(p, VICTIMS.get(k), kill);
      }
      RunOutcome.awaitComplete(p, Duration.ofSeconds(90));
      long redelivered = p.service(Vertex.SOURCE).status().getJsonObject("edge").getLong("redelivered");
      if (kill) {
        assertTrue(redelivered > 0, "the source redelivered nothing: map was never killed with messages unacked");
      }
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      System.out.printf("chaos (%s, seed %d): %,d messages, %d stops of map, sink and UDF, %,d lines, %,d duplicates,"
              + " %,d redelivered by the source, %.1f s%n", kill ? "kill -9" : "SIGTERM", seed, COUNT, stops, out.lines(),
          out.duplicates(), redelivered, (System.nanoTime() - start) / 1e9);
      return out;
    }
  }

  /** Waits until the source has {@code threshold} messages acked, failing if a process died by itself. */
  private static void awaitAcked(Pipeline p, long threshold) {
    Await.until(threshold + " messages acked", Duration.ofSeconds(60), () -> {
      for (Vertex v : Vertex.values()) {
        if (!p.service(v).process().alive()) {
          throw new AssertionError(v + " exited by itself\n" + p.logs());
        }
      }
      if (!p.udf().alive()) {
        throw new AssertionError("the UDF exited by itself\n" + p.logs());
      }
      return p.service(Vertex.SOURCE).status().getLong("acked") >= threshold;
    }, p::logs);
  }

  /** kill -9 or SIGTERM of {@code victim}, then starts it again and waits until it is ready. */
  private static void stopAndRestart(Pipeline p, String victim, boolean kill) {
    JavaProcess process = victim.equals("udf") ? p.udf() : p.service(Vertex.byId(victim)).process();
    if (kill) {
      process.process().destroyForcibly();
      assertTrue(process.waitFor(Duration.ofSeconds(10)), victim + " still running 10 s after kill -9");
    } else {
      JavaProcess.Stopped stopped = process.terminate(STOP_TIMEOUT);
      assertTrue(stopped.inTime(), victim + " did not stop within " + STOP_TIMEOUT + " of SIGTERM\n" + process.logTail(20));
      assertEquals(143, stopped.exitCode(), victim + " exit status after SIGTERM\n" + process.logTail(20));
    }
    if (victim.equals("udf")) {
      p.startUdf();
    } else {
      p.restart(Vertex.byId(victim), Map.of());
    }
  }
}
