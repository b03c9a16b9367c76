package io.flowmesh.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ServerInfoFileTest {

  private TestBed bed;

  @BeforeEach
  void startBed(Vertx vertx) {
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }

  private static final String END = "U+005C__END__";

  @Test
  void theServerInfoFileIsWrittenOnceListeningAsJsonFollowedByTheEndMarker(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("sub/mapper-server-info");
    UdfServerOptions options = UdfServerOptions.of("unix://" + dir.resolve("batch.sock"))
        .withMode(MapMode.BATCH_MAP)
        .withServerInfoFile(info);

    bed.started(UdfServer.create(bed.vertx(), options).handler(d -> Future.succeededFuture(List.of())));

    String content = Files.readString(info);
    assertTrue(content.endsWith(END), content);
    JsonObject json = new JsonObject(content.substring(0, content.length() - END.length()));
    assertEquals("uds", json.getString("protocol"));
    assertEquals("java", json.getString("language"));
    assertEquals("batch-map", json.getJsonObject("metadata").getString("MAP_MODE"));
    assertTrue(json.containsKey("minimum_numaflow_version") && json.containsKey("version"), content);
  }

  @Test
  void aTcpServerDeclaresTheTcpProtocolAndUnaryMap(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("info");
    UdfServerOptions options = UdfServerOptions.of("tcp://127.0.0.1:0").withServerInfoFile(info);

    bed.started(UdfServer.create(bed.vertx(), options).handler(d -> Future.succeededFuture(List.of())));

    String content = Files.readString(info);
    JsonObject json = new JsonObject(content.substring(0, content.length() - END.length()));
    assertEquals("tcp", json.getString("protocol"));
    assertEquals("unary-map", json.getJsonObject("metadata").getString("MAP_MODE"));
  }
}
