package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A bounded run through the real jars: everything arrives, once, transformed by the UDF. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BoundedRunTest {

  private static final int COUNT = 200_000;
  private static final int MSG_SIZE = 100;
  private static final String PREFIX = "bounded";

  @Test
  void twoHundredThousandMessagesArriveCompleteAndUpperCasedInTheFileSink(@TempDir Path dir) {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "0",
        "FLOWMESH_SOURCE_MSG_SIZE", String.valueOf(MSG_SIZE),
        "FLOWMESH_SOURCE_ID_PREFIX", PREFIX);
    long start = System.nanoTime();
    try (Pipeline p = Pipeline.start(dir, "uppercase", env)) {
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("the source to report its bounded run complete", Duration.ofSeconds(120),
          () -> source.status().getBoolean("complete", false), p::logs);
      JsonObject status = source.status();
      assertEquals(COUNT, status.getLong("produced"), "produced");
      assertEquals(COUNT, status.getLong("acked"), "acked end to end");
      System.out.printf("bounded run: %,d messages through uppercase in %.1f s (processes started and ready included)%n",
          COUNT, (System.nanoTime() - start) / 1e9);

      SinkFile out = SinkFile.read(p.sinkFile());
      assertEquals(COUNT, out.distinctIds(), "distinct ids in " + p.sinkFile());
      assertEquals(COUNT, out.lines(), "lines (no duplicates) in " + p.sinkFile());
      SinkFile.assertContiguous(out.counters(PREFIX), 0, "ids " + PREFIX + "-<n>/0");
      assertEquals(COUNT - 1, out.counters(PREFIX).last());
      // The generator draws from a-z, A-Z and 0-9: only upper case and digits may come out.
      Pattern upper = Pattern.compile("[A-Z0-9]{" + MSG_SIZE + "}");
      List<String> notUpper = out.values().values().stream().filter(v -> !upper.matcher(v).matches()).limit(3).toList();
      assertTrue(notUpper.isEmpty(), "values not upper-cased: " + notUpper);
      assertTrue(out.values().values().stream().anyMatch(v -> v.chars().anyMatch(Character::isLetter)), "values have letters");
    }
  }
}
