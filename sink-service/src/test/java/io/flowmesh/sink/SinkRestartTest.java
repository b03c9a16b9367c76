package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.TestSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file sink restarted on its own file keeps its dedupe window and repairs a line a crash cut short. */
class SinkRestartTest {

  @TempDir
  Path dir;

  private static Launched sink(int upstreamPort, Path file) throws Exception {
    return new SinkMain().launch(new String[] {"--sink.http.port=0", "--sink.upstream=127.0.0.1:" + upstreamPort,
        "--sink.type=file", "--sink.path=" + file, "--sink.dedupe-window=10000", "--vertx.event-loops=2"}, Map.of());
  }

  @Test
  void aRestartedSinkStillDropsIdsItWroteBeforeTheRestart() throws Exception {
    Path file = dir.resolve("out.ndjson");
    try (TestSource first = TestSource.counting(3000, 0)) {
      Launched s = sink(first.port(), file);
      until(() -> first.ackCount.get() == 3000, 30_000, () -> "first run acked " + first.ackCount.get());
      OnLoop.await(s.kill(), 10_000);
    }
    // The same ids again, as an upstream redelivering after the sink's crash would send them.
    try (TestSource again = TestSource.counting(3000, 0)) {
      Launched s = sink(again.port(), file);
      until(() -> again.ackCount.get() == 3000, 30_000, () -> "second run acked " + again.ackCount.get());
      OnLoop.await(s.stop(java.time.Duration.ofSeconds(2)), 10_000);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(3000, lines.size(), "ids written before the restart were written again");
    assertEquals(3000, lines.stream().distinct().count());
  }

  @Test
  void aPartialLastLineLeftByACrashIsCutBeforeWritingResumes() throws Exception {
    Path file = dir.resolve("out.ndjson");
    Files.writeString(file, "{\"id\":\"a\",\"keys\":[],\"event_time\":1,\"value\":\"x\"}\n{\"id\":\"b\",\"keys\":[],\"ev",
        StandardCharsets.UTF_8);
    try (TestSource source = TestSource.counting(10, 0)) {
      Launched s = sink(source.port(), file);
      until(() -> source.ackCount.get() == 10, 30_000, () -> "acked " + source.ackCount.get());
      OnLoop.await(s.stop(java.time.Duration.ofSeconds(2)), 10_000);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(11, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"id\":\"a\""));
    assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"id\":") && l.endsWith("}")), "a torn line remains: " + lines);
  }
}
