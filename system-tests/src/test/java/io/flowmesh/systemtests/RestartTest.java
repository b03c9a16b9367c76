package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to each service in turn, mid-run, and a restart on the same ports: each exits within
 * {@code shutdown.timeout} with 143 (or 0), and with the sink's dedupe window on, every id arrives
 * exactly once.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RestartTest {

  @Test
  void sigtermToEachServiceMidRunAndARestartLoseNothingAndDuplicateNothing(@TempDir Path dir) {
    int count = 60_000;
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(count),
        "FLOWMESH_SOURCE_RATE", "5000",
        "FLOWMESH_SOURCE_ID_PREFIX", "first",
        "FLOWMESH_SINK_DEDUPE_WINDOW", "200000");
    List<String> stops = new ArrayList<>();
    try (Pipeline p = Pipeline.start(dir, "uppercase", env)) {
      awaitLines(p, 5_000);
      stops.add(stopMidRun(p, Vertex.MAP));
      p.restart(Vertex.MAP, Map.of());

      awaitLines(p, SinkFile.countLines(p.sinkFile()) + 5_000);
      stops.add(stopMidRun(p, Vertex.SINK));
      p.restart(Vertex.SINK, Map.of());

      awaitLines(p, SinkFile.countLines(p.sinkFile()) + 5_000);
      long producedBeforeStop = p.service(Vertex.SOURCE).status().getLong("produced");
      assertTrue(producedBeforeStop < count, "the source is stopped mid-run, not after it finished");
      stops.add(stopMidRun(p, Vertex.SOURCE));
      long firstAcked = drainedAcked(p);
      // a new source run: new ids, so the first run's ids must each be there once
      int second = 10_000;
      p.restart(Vertex.SOURCE, Map.of("FLOWMESH_SOURCE_ID_PREFIX", "second", "FLOWMESH_SOURCE_COUNT", String.valueOf(second)));
      Await.until("the second source run to complete", Duration.ofSeconds(60),
          () -> p.service(Vertex.SOURCE).status().getBoolean("complete", false), p::logs);

      SinkFile out = SinkFile.read(p.sinkFile());
      System.out.println("restarts: " + String.join("; ", stops) + "; first run delivered " + out.counters("first").size()
          + " (at least " + producedBeforeStop + " produced before its SIGTERM)");
      assertTrue(out.duplicates().isEmpty(), "duplicates: " + out.duplicates().size() + " e.g. "
          + out.duplicates().keySet().stream().limit(5).toList());
      SinkFile.assertContiguous(out.counters("first"), 0, "first source run");
      assertTrue(out.counters("first").size() >= producedBeforeStop, "everything produced before the SIGTERM arrived");
      assertEquals(firstAcked, out.counters("first").size(), "every message the first source run produced is in the file");
      SinkFile.assertContiguous(out.counters("second"), 0, "second source run");
      assertEquals(second, out.counters("second").size(), "second source run complete");
      assertEquals(out.lines(), out.distinctIds(), "one line per id");
    }
  }

  private static final Pattern DRAINED = Pattern.compile("source drained acked=(\\d+) redelivered=\\d+ left=(\\d+)");

  /**
   * After the source exited on SIGTERM: how many messages it had produced, all acked (its log's
   * drain line says so with left=0). Fails if it left any unacked.
   */
  static long drainedAcked(Pipeline p) {
    JavaProcess source = p.service(Vertex.SOURCE).process();
    Matcher m = DRAINED.matcher(source.logText());
    long acked = -1;
    while (m.find()) { // the last drain line: this run's
      assertEquals("0", m.group(2), "the source left messages unacked when it stopped:\n" + source.logTail(20));
      acked = Long.parseLong(m.group(1));
    }
    assertTrue(acked > 0, "no 'source drained acked=N ... left=0' line in the source log:\n" + source.logTail(20));
    return acked;
  }

  private static void awaitLines(Pipeline p, long lines) {
    Await.until(lines + " lines in the sink file", Duration.ofSeconds(60), () -> SinkFile.countLines(p.sinkFile()) >= lines, p::logs);
  }

  /** SIGTERM; asserts the exit within shutdown.timeout with 143 or 0. */
  static String stopMidRun(Pipeline p, Vertex v) {
    JavaProcess.Stopped s = p.service(v).process().terminate(Pipeline.SHUTDOWN_TIMEOUT.plusSeconds(20));
    assertTrue(s.inTime() && s.took().compareTo(Pipeline.SHUTDOWN_TIMEOUT) < 0,
        v + " took " + s.took().toMillis() + " ms to exit after SIGTERM; shutdown.timeout is " + Pipeline.SHUTDOWN_TIMEOUT
            + "\n" + p.logs());
    assertTrue(s.exitCode() == 143 || s.exitCode() == 0, v + " exit code " + s.exitCode() + "\n" + p.logs());
    return v + " exited " + s.exitCode() + " after " + s.took().toMillis() + " ms";
  }
}
