package io.flowmesh.runtime.udf;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ServerInfoTest {

  private static final String UNARY = "{\"protocol\":\"uds\",\"language\":\"go\",\"minimum_numaflow_version\":\"1.4.0-z\","
      + "\"version\":\"v0.9.0\",\"metadata\":{\"MAP_MODE\":\"unary-map\"}}";
  private static final String BATCH = "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":\"1.4.0-z\","
      + "\"version\":\"0.9.0\",\"metadata\":{\"MAP_MODE\":\"batch-map\"}}";

  @TempDir
  Path dir;

  private Path write(String content) throws Exception {
    Path file = dir.resolve("mapper-server-info");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private ServerInfo read(Vertx vertx, Path file, Duration timeout) throws Exception {
    return ServerInfoReader.read(vertx, file.toString(), timeout).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCompleteFileIsParsedWithItsFields(Vertx vertx) throws Exception {
    ServerInfo info = read(vertx, write(UNARY + "U+005C__END__"), Duration.ofSeconds(2));
    assertEquals("uds", info.protocol());
    assertEquals("go", info.language());
    assertEquals("1.4.0-z", info.minimumNumaflowVersion());
    assertEquals("v0.9.0", info.version());
    assertEquals("unary-map", info.metadata().get("MAP_MODE"));
  }

  @Test
  void aCompleteFileFollowedByANewlineIsParsed(Vertx vertx) throws Exception {
    assertEquals("batch-map", read(vertx, write(BATCH + "U+005C__END__\n"), Duration.ofSeconds(2)).metadata().get("MAP_MODE"));
  }

  @Test
  void anyKindsFileIsReadAndItsMetadataKeptAsStrings(Vertx vertx) throws Exception {
    Path file = dir.resolve("sourcer-server-info");
    Files.writeString(file, "{\"protocol\":\"uds\",\"language\":\"java\",\"version\":\"0.9.2\","
        + "\"metadata\":{\"n\":3}}U+005C__END__", StandardCharsets.UTF_8);
    ServerInfo info = read(vertx, file, Duration.ofSeconds(2));
    assertEquals("java", info.language());
    assertEquals("3", info.metadata().get("n"));
    assertEquals("", info.minimumNumaflowVersion());
  }

  @Test
  void theDefaultFileOfAKindIsInNumaflowsDirectory() {
    assertEquals("/var/run/numaflow/sinker-server-info", ServerInfo.defaultFile("sinker"));
  }

  @Test
  void aFileWithoutTheEndMarkerIsAnErrorNamingThePathOnceTheWaitIsOver(Vertx vertx) throws Exception {
    Path file = write(UNARY);
    Exception e = assertThrows(Exception.class, () -> read(vertx, file, Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("U+005C__END__"), e.getMessage());
  }

  @Test
  void malformedJsonIsAnErrorNamingThePath(Vertx vertx) throws Exception {
    Path file = write("{\"protocol\": udsU+005C__END__");
    Exception e = assertThrows(Exception.class, () -> read(vertx, file, Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("JSON"), e.getMessage());
  }

  @Test
  void metadataThatIsNotAnObjectIsAnErrorNamingThePath() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerInfo.parse("/x/info", "{\"metadata\":[1]}U+005C__END__"));
    assertTrue(e.getMessage().contains("/x/info") && e.getMessage().contains("metadata"), e.getMessage());
  }

  @Test
  void theReaderWaitsForAFileThatAppearsLater(Vertx vertx) throws Exception {
    Path file = dir.resolve("late-info");
    vertx.setTimer(200, id -> vertx.fileSystem().writeFile(file.toString(),
        io.vertx.core.buffer.Buffer.buffer(BATCH + "U+005C__END__")));
    assertEquals("batch-map", read(vertx, file, Duration.ofSeconds(5)).metadata().get("MAP_MODE"));
  }

  @Test
  void aMissingFileIsAnErrorNamingThePathOnceTheWaitIsOver(Vertx vertx) {
    Path file = dir.resolve("never");
    Exception e = assertThrows(Exception.class, () -> read(vertx, file, Duration.ofMillis(200)));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("exist"), e.getMessage());
  }
}
