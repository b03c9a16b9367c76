package io.flowmesh.sink.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink with {@code sink.max-file-bytes}: bounded files, the newest lines kept in order. */
class FileRotationTest {

  private static final int MAX = 4096;

  @TempDir
  Path dir;
  private Vertx vertx;
  private Context ctx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    OnLoop.await(vertx.close(), 10_000);
  }

  /** Writes messages {@code from} until {@code to} (exclusive), {@code perBatch} to a batch. */
  private void write(FileWriter writer, int from, int to, int perBatch) {
    OutBuffer out = new OutBuffer();
    for (int i = from; i < to; i += perBatch) {
      out.reset(0);
      for (int j = i; j < Math.min(to, i + perBatch); j++) {
        writer.encode(EdgeMessage.newBuilder().setId("m" + j).setValue(ByteString.copyFromUtf8("v".repeat(50))).build(), out);
      }
      OnLoop.awaitOn(ctx, () -> writer.write(out));
    }
  }

  private static List<Integer> ids(Path file) throws Exception {
    List<Integer> ids = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      ids.add(Integer.parseInt(new JsonObject(line).getString("id").substring(1)));
    }
    return ids;
  }

  @Test
  void theFileIsRotatedBeforeItWouldPassTheBoundAndOnlyTheNewestFilesAreKeptEachWithWholeLinesInOrder() throws Exception {
    Path path = dir.resolve("out.ndjson");
    FileWriter writer = OnLoop.await(FileWriter.open(vertx, path, false, MAX, 2), 5000);
    write(writer, 0, 1000, 7); // about 90 bytes a line: some 90 KB through 4 KiB files
    OnLoop.await(writer.close(), 5000);

    Path first = dir.resolve("out.ndjson.1");
    Path second = dir.resolve("out.ndjson.2");
    assertFalse(Files.exists(dir.resolve("out.ndjson.3")), "keep=2: the older files were deleted");
    List<Integer> kept = new ArrayList<>(ids(second));
    kept.addAll(ids(first));
    kept.addAll(ids(path));
    for (Path p : List.of(path, first, second)) {
      assertTrue(Files.size(p) <= MAX, p + " has " + Files.size(p) + " bytes");
      assertTrue(Files.readString(p).endsWith("\n"), p + " ends in a whole line");
    }
    assertTrue(Files.size(first) > MAX - 7 * 150, "a rotated file is filled up to the bound, not cut early: " + Files.size(first));
    assertEquals(999, kept.get(kept.size() - 1), "the newest line is in out.ndjson");
    for (int i = 1; i < kept.size(); i++) {
      assertEquals(kept.get(i - 1) + 1, kept.get(i), "the kept files hold one unbroken run of the newest lines");
    }
  }

  @Test
  void justAfterARotationTheIdsWrittenLastAreReadBackFromThePreviousFile() throws Exception {
    Path path = dir.resolve("out.ndjson");
    FileWriter writer = OnLoop.await(FileWriter.open(vertx, path, false, MAX, 1), 5000);
    write(writer, 0, 40, 40); // one batch of about 4,000 bytes
    write(writer, 40, 42, 2); // rotates first: out.ndjson holds m40 and m41 only
    OnLoop.await(writer.close(), 5000);
    assertEquals(List.of(40, 41), ids(path));

    FileWriter reopened = OnLoop.await(FileWriter.open(vertx, path, false, MAX, 1), 5000);
    List<String> recent = OnLoop.await(reopened.recentIds(5), 5000);
    assertEquals(List.of("m37", "m38", "m39", "m40", "m41"), recent);
    OnLoop.await(reopened.close(), 5000);
  }

  @Test
  void withKeepZeroTheFullFileIsStartedAgainEmpty() throws Exception {
    Path path = dir.resolve("out.ndjson");
    FileWriter writer = OnLoop.await(FileWriter.open(vertx, path, false, MAX, 0), 5000);
    write(writer, 0, 200, 10);
    OnLoop.await(writer.close(), 5000);
    try (var files = Files.list(dir)) {
      assertEquals(List.of(path), files.toList(), "no rotated files");
    }
    List<Integer> ids = ids(path);
    assertTrue(Files.size(path) <= MAX);
    assertEquals(199, ids.get(ids.size() - 1));
  }
}
