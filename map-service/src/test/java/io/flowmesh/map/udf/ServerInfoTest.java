package io.flowmesh.map.udf;

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
    assertEquals(UdfMode.UNARY, info.mapMode());
  }

  @Test
  void batchMapModeIsRead(Vertx vertx) throws Exception {
    assertEquals(UdfMode.BATCH, read(vertx, write(BATCH + "U+005C__END__\n"), Duration.ofSeconds(2)).mapMode());
  }

  @Test
  void anAbsentMapModeMeansUnary() {
    ServerInfo info = ServerInfo.parse("f", "{\"protocol\":\"uds\",\"language\":\"python\"}U+005C__END__");
    assertEquals(UdfMode.UNARY, info.mapMode());
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
  void anUnknownMapModeIsAnErrorNamingThePath() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerInfo.parse("/x/info", "{\"metadata\":{\"MAP_MODE\":\"sideways\"}}U+005C__END__"));
    assertTrue(e.getMessage().contains("/x/info") && e.getMessage().contains("sideways"), e.getMessage());
  }

  @Test
  void theReaderWaitsForAFileThatAppearsLater(Vertx vertx) throws Exception {
    Path file = dir.resolve("late-info");
    vertx.setTimer(200, id -> vertx.fileSystem().writeFile(file.toString(),
        io.vertx.core.buffer.Buffer.buffer(BATCH + "U+005C__END__")));
    assertEquals(UdfMode.BATCH, read(vertx, file, Duration.ofSeconds(5)).mapMode());
  }

  @Test
  void aMissingFileIsAnErrorNamingThePathOnceTheWaitIsOver(Vertx vertx) {
    Path file = dir.resolve("never");
    Exception e = assertThrows(Exception.class, () -> read(vertx, file, Duration.ofMillis(200)));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("exist"), e.getMessage());
  }
}
