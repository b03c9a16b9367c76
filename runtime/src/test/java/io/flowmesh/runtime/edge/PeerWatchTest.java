package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * An edge whose path goes silent — its connection open, nothing moving, as when the peer process
 * is stopped or a network drops packets without a reset — is noticed by each side's HTTP/2 PING
 * ({@link PeerWatch}): the upstream drops the subscriber, the subscriber redials, and what was
 * unacked on the silent connection is delivered again.
 */
class PeerWatchTest extends TwoVertxEdgeTest {

  private static final Duration TIMEOUT = Duration.ofMillis(800);

  private EdgeSubscriber subscriberVia(StallProxy proxy, EdgeOptions options, Set<String> ids) {
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "s1", new HostPort("127.0.0.1", proxy.port()),
        options, new SimpleMeterRegistry()));
    run(down, () -> sub.handler(d -> {
      ids.add(d.message().getId());
      sub.ack(d);
    }).start());
    return sub;
  }

  @Test
  void bothSidesNoticeASilentConnectionAndEveryMessageArrivesOverTheNextOne() throws Exception {
    int total = 20_000;
    EdgeOptions options = EdgeOptions.defaults().withPeerTimeout(TIMEOUT);
    EdgeServer server = producingServer(options, 1024, total);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (StallProxy proxy = StallProxy.start(server.port())) {
      subscriberVia(proxy, options.withMaxUnacked(2048), ids);
      until(() -> ids.size() >= 1000, 30_000, () -> "received " + ids.size());
      proxy.stall();
      until(() -> proxy.accepted() >= 2, 30_000, () -> "the subscriber did not redial; accepted " + proxy.accepted());
      until(() -> ids.size() == total, 60_000, () -> "received " + ids.size() + " of " + total);
      until(() -> call(up, server::subscriberCount) == 1, 30_000,
          () -> "the upstream still counts the silent subscriber: " + call(up, server::subscriberCount));
    }
  }

  @Test
  void theUpstreamAloneDropsASubscriberThatStoppedAnswering() throws Exception {
    EdgeServer server = producingServer(EdgeOptions.defaults().withPeerTimeout(TIMEOUT), 1024, Long.MAX_VALUE);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (StallProxy proxy = StallProxy.start(server.port())) {
      subscriberVia(proxy, EdgeOptions.defaults().withPeerTimeout(Duration.ZERO), ids); // this side never pings
      until(() -> call(up, server::subscriberCount) == 1 && ids.size() > 100, 30_000, () -> "received " + ids.size());
      proxy.stall();
      until(() -> call(up, server::subscriberCount) == 0, 30_000, () -> "the upstream still serves the silent subscriber");
      assertEquals(1, proxy.accepted(), "the subscriber, which does not ping, did not notice and did not redial");
    }
  }
}
