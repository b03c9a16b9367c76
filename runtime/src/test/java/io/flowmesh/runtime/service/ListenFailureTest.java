package io.flowmesh.runtime.service;

import static io.flowmesh.runtime.testing.OnLoop.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.errors.ListenFailure;
import io.flowmesh.runtime.testing.OnLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP and the edge server that cannot listen say which server, on which address, and the key
 * to change: the port's key when the port is taken, {@code bind.host} when the address is not one.
 */
class ListenFailureTest {

  private Vertx vertx;
  private ServerSocket taken;

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    taken.close();
    vertx.close();
  }

  private String httpFailure(String host, int port) {
    HttpEndpoints http = new HttpEndpoints(vertx, "map", "map", MetricsRegistry.create("map", "map"), Map.of(), () -> null, null);
    return failure(http.listen(http.router(), host, port, Duration.ofSeconds(30)));
  }

  private String edgeFailure(String host, int port) {
    Context ctx = vertx.getOrCreateContext();
    return failure(call(ctx, () -> new EdgeServer(vertx, "source", EdgeOptions.defaults(), 16, new SimpleMeterRegistry())
        .listen(host, port, "source.edge.port")));
  }

  private static String failure(Future<Integer> listening) {
    ListenFailure e = assertThrows(ListenFailure.class, () -> OnLoop.await(listening, 20_000));
    return e.getMessage();
  }

  @Test
  void aTakenHttpPortNamesTheHttpServerTheAddressAndThePortKey() {
    int port = taken.getLocalPort();
    assertEquals("HTTP server could not listen on 127.0.0.1:" + port + " (map.http.port): address already in use "
        + "(another process listens there; choose another port, or 0 for any free one)", httpFailure("127.0.0.1", port));
  }

  @Test
  void aTakenEdgePortNamesTheEdgeServerTheAddressAndThePortKey() {
    int port = taken.getLocalPort();
    assertEquals("edge server could not listen on 127.0.0.1:" + port + " (source.edge.port): address already in use "
        + "(another process listens there; choose another port, or 0 for any free one)", edgeFailure("127.0.0.1", port));
  }

  @Test
  void aHostThatCannotBeResolvedNamesBindHost() {
    assertEquals("HTTP server could not listen on 999.1.1.1:8082 (bind.host): cannot resolve '999.1.1.1' "
        + "(give an address of this machine, or 0.0.0.0 for all of them)", httpFailure("999.1.1.1", 8082));
    assertEquals("edge server could not listen on 999.1.1.1:7001 (bind.host): cannot resolve '999.1.1.1' "
        + "(give an address of this machine, or 0.0.0.0 for all of them)", edgeFailure("999.1.1.1", 7001));
  }

  @Test
  void anAddressNotOfThisMachineNamesBindHost() {
    // 192.0.2.0/24 is TEST-NET-1, documentation only: no interface here has it
    assertEquals("edge server could not listen on 192.0.2.1:7001 (bind.host): no interface of this machine has that address "
        + "(give one of its addresses, or 0.0.0.0 for all of them)", edgeFailure("192.0.2.1", 7001));
  }

  @Test
  void theHostKeyIsTheCommonKeyTheServersListenOn() {
    assertEquals(CommonKeys.BIND_HOST.name(), ListenFailure.HOST_KEY);
  }
}
