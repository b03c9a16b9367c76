package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A UDF on a Unix domain socket, reached through Netty's native epoll transport. */
class UdfClientUnixSocketTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private TestUdf udf;
  private ClientHarness harness;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (udf != null) {
      udf.stop();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aUdfOnAUnixSocketAnswersThroughNativeEpoll() throws Exception {
    assertTrue(vertx.isNativeTransportEnabled(), "epoll unavailable: " + vertx.unavailableNativeTransportCause());
    String socket = dir.resolve("map.sock").toString();
    udf = TestUdf.unix(vertx, socket, TestUdf.ECHO);
    harness = new ClientHarness(vertx, TestConfigs.fast("unix://" + socket).build());
    harness.start();
    harness.mapRange(0, 1_000);
    harness.awaitAllCompleted(1_000, Duration.ofSeconds(10));
    assertEquals(1_000, (int) harness.call(harness.answers::size));
    assertEquals(true, harness.await(() -> harness.client.isReady(), Duration.ofSeconds(5)));
  }

  @Test
  void theServerInfoFileDecidesTheModeBeforeTheClientConnects() throws Exception {
    String socket = dir.resolve("batchmap.sock").toString();
    Path info = dir.resolve("mapper-server-info");
    Files.writeString(info, "{\"protocol\":\"uds\",\"language\":\"java\",\"version\":\"0.9.0\","
        + "\"minimum_numaflow_version\":\"1.4.0\",\"metadata\":{\"MAP_MODE\":\"batch-map\"}}U+005C__END__");
    udf = TestUdf.unix(vertx, socket, (call, request) -> {
      if (request.hasStatus()) {
        call.batch.forEach(call::echo);
        call.eot();
      } else {
        call.batch.add(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast("unix://" + socket)
        .mode(UdfMode.UNARY).serverInfoFile(info.toString()).build());
    harness.start();
    assertEquals(UdfMode.BATCH, harness.call(harness.client::mode));
    harness.run(() -> {
      List<TestElement> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(new TestElement(i));
      }
      harness.client.mapBatch(batch);
    });
    harness.awaitAllCompleted(10, Duration.ofSeconds(10));
  }

  @Test
  void aMalformedServerInfoFileFailsStartNamingThePath() throws Exception {
    Path info = dir.resolve("mapper-server-info");
    Files.writeString(info, "not jsonU+005C__END__");
    harness = new ClientHarness(vertx, TestConfigs.fast("unix://" + dir.resolve("none.sock"))
        .serverInfoFile(info.toString()).build());
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, harness::start);
    assertTrue(e.getMessage().contains(info.toString()), e.getMessage());
  }
}
