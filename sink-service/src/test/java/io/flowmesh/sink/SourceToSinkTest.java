package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator source feeding the file sink directly, both in this JVM. */
class SourceToSinkTest {

  private final Pipeline pipeline = new Pipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void aBoundedRunOfAMillionMessagesArrivesExactlyOnceInTheFileAndTheSourceReportsItComplete(@TempDir Path dir)
      throws Exception {
    int total = 1_000_000;
    Path file = dir.resolve("out.ndjson");
    Launched source = pipeline.source("--source.count=" + total, "--source.msg-size=100", "--source.key-count=4");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=" + file);
    long start = System.nanoTime();
    until(() -> Pipeline.status(source).getBoolean("complete"), 180_000,
        () -> "the source to report complete: " + Pipeline.status(source).encode());
    long millis = (System.nanoTime() - start) / 1_000_000;
    JsonObject status = Pipeline.status(source);
    assertEquals(total, status.getLong("produced"));
    assertEquals(total, status.getLong("acked"));
    assertEquals(total, Pipeline.status(sink).getLong("written"));
    NdjsonFile written = NdjsonFile.read(file);
    assertEquals(total, written.lines(), "lines in the file");
    assertEquals(total, written.ids().size(), "distinct ids in the file");
    String first = Files.newBufferedReader(file).readLine();
    JsonObject line = new JsonObject(first);
    assertEquals(100, line.getString("value").length());
    assertTrue(line.getLong("event_time") > 0 && line.getJsonArray("keys").size() == 1, first);
    System.out.printf("source -> file sink: %d messages in %d ms (%d/s)%n", total, millis, total * 1000L / Math.max(1, millis));
  }

  @Test
  void twoSinkInstancesShareTheSourcesEdgeAndTogetherWriteEveryMessageOnce(@TempDir Path dir) throws Exception {
    int total = 50_000;
    Path file = dir.resolve("out.ndjson");
    // Paced over ~2 s, so the instance that connects second still finds work to share.
    Launched source = pipeline.source("--source.count=" + total, "--source.msg-size=20", "--source.rate=25000");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=" + file, "--sink.instances=2",
        "--edge.input-capacity=256");
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000, () -> Pipeline.status(source).encode());
    assertEquals(2, Pipeline.status(source).getJsonObject("edge").getJsonArray("subscribers").size());
    JsonObject status = Pipeline.status(sink);
    long first = status.getJsonArray("instances").getJsonObject(0).getLong("written");
    long second = status.getJsonArray("instances").getJsonObject(1).getLong("written");
    assertTrue(first > 0 && second > 0, "each instance wrote a share: " + first + " and " + second);
    assertEquals(total, first + second);
    NdjsonFile written = NdjsonFile.read(file);
    assertEquals(total, written.lines());
    assertEquals(total, written.ids().size());
  }
}
