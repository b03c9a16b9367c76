package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class UnixSocketTest {

  private static final MapHandler CAT = d -> Future.succeededFuture(List.of(MapResult.passThrough(d)));

  @TempDir
  Path dir;
  private Vertx vertx;
  private TestBed bed;

  @BeforeEach
  void nativeVertx() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    bed = new TestBed(vertx);
  }

  @AfterEach
  void close() throws Exception {
    bed.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void vertxUsesTheNativeEpollTransport() {
    assertTrue(vertx.isNativeTransportEnabled(), String.valueOf(vertx.unavailableNativeTransportCause()));
  }

  @Test
  void aServerOnAUnixSocketAnswersOverItAndRemovesItsSocketFileWhenStopped() throws Exception {
    Path socket = dir.resolve("map.sock");
    UdfServer server = bed.started(UdfServer.create(vertx, UdfServerOptions.of("unix://" + socket)).handler(CAT));

    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    MapResponse answer = call.send(element("1", "over a socket")).awaitResponses(2).get(1);

    assertEquals("over a socket", answer.getResults(0).getValue().toStringUtf8());
    assertTrue(Files.exists(socket));
    server.stop().await(10, TimeUnit.SECONDS);

    assertFalse(Files.exists(socket));
  }

  @Test
  void aStaleSocketFileLeftByAKilledServerIsRemovedBeforeListening() throws Exception {
    Path socket = dir.resolve("stale.sock");
    try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket), "closing a Unix server socket leaves its file behind");

    UdfServer server = bed.started(UdfServer.create(vertx, UdfServerOptions.of("unix://" + socket)).handler(CAT));

    assertTrue(MapFnCall.isReady(bed.client(), TestBed.address(server)));
  }

  @Test
  void aRegularFileAtTheSocketPathIsNotReplacedAndTheServerRefusesToStart() throws Exception {
    Path notASocket = dir.resolve("data.txt");
    Files.writeString(notASocket, "keep me");

    UdfServer server = UdfServer.create(vertx, UdfServerOptions.of("unix://" + notASocket)).handler(CAT);

    Exception e = assertThrows(Exception.class, () -> server.start().await(10, TimeUnit.SECONDS));

    assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    assertEquals("keep me", Files.readString(notASocket));
  }
}
