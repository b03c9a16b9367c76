package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.HostPort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PollerTest {

  private static int times(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void aVertexThatRefusesTheConnectionIsShownDownNamingItsAddressOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    HostPort at = new HostPort("127.0.0.1", port);
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<JsonObject> first = new CompletableFuture<>();
      Poller[] poller = new Poller[1];
      vertx.runOnContext(v -> {
        poller[0] = new Poller(vertx, Topology.of(Map.of("out", List.of(at))), Duration.ofSeconds(1), Duration.ofSeconds(2), null,
            first::complete);
        poller[0].start();
      });
      JsonObject out = first.get(30, TimeUnit.SECONDS).getJsonArray("vertices").getJsonObject(0);
      assertEquals("down", out.getString("state"));
      String problem = out.getJsonArray("problems").getString(0);
      assertEquals(1, times(problem, at.toString()), problem);
      assertTrue(problem.startsWith(at + ": /status: Connection refused"), problem);
      vertx.runOnContext(v -> poller[0].stop());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReasonLosesTheAddressOfTheReplicaItIsAbout() {
    HostPort at = new HostPort("127.0.0.1", 8081);
    assertEquals("Connection refused", Poller.reason(new java.net.ConnectException("Connection refused: /127.0.0.1:8081"), at));
    assertEquals("The timeout period of 2000ms has been exceeded while executing GET /status",
        Poller.reason(new IllegalStateException("The timeout period of 2000ms has been exceeded while executing GET /status "
            + "for server 127.0.0.1:8081"), at));
    assertEquals("Connection reset", Poller.reason(new java.io.IOException("Connection reset"), at), "one without it stays");
    assertEquals("Connection refused: /127.0.0.1:8082", Poller.reason(new java.net.ConnectException("Connection refused: /127.0.0.1:8082"),
        at), "another replica's address stays");
    assertEquals("127.0.0.1:8081", Poller.reason(new IllegalStateException("127.0.0.1:8081"), at), "nothing left: as it was");
  }
}
