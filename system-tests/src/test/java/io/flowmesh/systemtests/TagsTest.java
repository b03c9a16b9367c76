package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A UDF's tags (the example library's {@code withTags}) travel through map to the file sink's lines. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TagsTest {

  @Test
  void tagsTheUdfGivesItsResultsAppearOnEveryLineOfTheFileSink(@TempDir Path dir) throws IOException {
    int count = 2_000;
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_COUNT", String.valueOf(count), "FLOWMESH_SOURCE_RATE", "0",
        "FLOWMESH_SOURCE_ID_PREFIX", "tagged");
    try (Pipeline p = Pipeline.launch(dir, "cat", List.of("--tags", "red,blue"), env)) {
      for (Vertex v : Vertex.values()) {
        p.service(v).awaitReady(Pipeline.START_TIMEOUT);
      }
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("the source to report its bounded run complete", Duration.ofSeconds(60),
          () -> source.status().getBoolean("complete", false), p::logs);
      List<String> lines = Files.readAllLines(p.sinkFile(), StandardCharsets.UTF_8);
      assertEquals(count, lines.size(), "lines in " + p.sinkFile());
      for (String line : lines) {
        assertEquals(new JsonArray().add("red").add("blue"), new JsonObject(line).getJsonArray("tags"), "tags of " + line);
      }
    }
  }
}
