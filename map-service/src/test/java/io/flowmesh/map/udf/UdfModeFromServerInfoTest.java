package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.ServerInfo;
import io.flowmesh.runtime.udf.ServerInfoReader;
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

/** The map mode read from a mapper's server-info file (the file itself: runtime's ServerInfoTest). */
@ExtendWith(VertxExtension.class)
class UdfModeFromServerInfoTest {

  private static final String BATCH = "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":\"1.4.0-z\","
      + "\"version\":\"0.9.0\",\"metadata\":{\"MAP_MODE\":\"batch-map\"}}";

  @TempDir
  Path dir;

  @Test
  void batchMapModeIsReadFromARealFile(Vertx vertx) throws Exception {
    Path file = dir.resolve("mapper-server-info");
    Files.writeString(file, BATCH + "U+005C__END__\n", StandardCharsets.UTF_8);
    ServerInfo info = ServerInfoReader.read(vertx, file.toString(), Duration.ofSeconds(2)).await(10, TimeUnit.SECONDS);
    assertEquals(UdfMode.BATCH, UdfMode.of(info, file.toString()));
  }

  @Test
  void unaryMapModeIsRead() {
    ServerInfo info = ServerInfo.parse("f", "{\"metadata\":{\"MAP_MODE\":\"unary-map\"}}U+005C__END__");
    assertEquals(UdfMode.UNARY, UdfMode.of(info, "f"));
  }

  @Test
  void anAbsentMapModeMeansUnary() {
    ServerInfo info = ServerInfo.parse("f", "{\"protocol\":\"uds\",\"language\":\"python\"}U+005C__END__");
    assertEquals(UdfMode.UNARY, UdfMode.of(info, "f"));
  }

  @Test
  void anUnknownMapModeIsAnErrorNamingThePath() {
    ServerInfo info = ServerInfo.parse("/x/info", "{\"metadata\":{\"MAP_MODE\":\"sideways\"}}U+005C__END__");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UdfMode.of(info, "/x/info"));
    assertTrue(e.getMessage().contains("/x/info") && e.getMessage().contains("sideways"), e.getMessage());
  }
}
