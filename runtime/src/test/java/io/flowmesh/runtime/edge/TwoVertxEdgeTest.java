package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.testing.OnLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the edge tests: the upstream in one Vert.x instance, subscribers in another (so the two
 * ends never share an event loop), both closed after each test.
 */
abstract class TwoVertxEdgeTest {

  Vertx upVertx;
  Vertx downVertx;
  Context up;
  Context down;
  /** The registry of the servers {@link #producingServer} starts. */
  final SimpleMeterRegistry upRegistry = new SimpleMeterRegistry();

  @BeforeEach
  void startBothVertx() {
    upVertx = Vertx.vertx();
    downVertx = Vertx.vertx();
    up = upVertx.getOrCreateContext();
    down = downVertx.getOrCreateContext();
  }

  @AfterEach
  void closeBothVertx() {
    OnLoop.await(Future.all(downVertx.close(), upVertx.close()), 20_000);
  }

  /** A server on 127.0.0.1 offering messages 0..total-1 as room allows. */
  EdgeServer producingServer(EdgeOptions options, int queueCapacity, long total) {
    return producingServer(options, queueCapacity, total, 0);
  }

  /** A server offering messages 0..total-1 as room allows, once {@code minSubscribers} are connected. */
  EdgeServer producingServer(EdgeOptions options, int queueCapacity, long total, int minSubscribers) {
    AtomicLong next = new AtomicLong();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", options, queueCapacity, upRegistry));
    run(up, () -> server.demandHandler(v -> {
      while (next.get() < total && server.room() > 0 && server.subscriberCount() >= minSubscribers) {
        server.offer(EdgeTest.msg(next.getAndIncrement()), null);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    return server;
  }

  /** A subscriber (not started) dialling {@code server} at 127.0.0.1. */
  EdgeSubscriber subscriber(EdgeServer server, EdgeOptions options, String id) {
    return subscriber("127.0.0.1", server, options, id);
  }

  /** A subscriber (not started) dialling {@code server} by {@code host}, e.g. the name in its certificate. */
  EdgeSubscriber subscriber(String host, EdgeServer server, EdgeOptions options, String id) {
    return call(down, () -> new EdgeSubscriber(downVertx, "sink", id, new HostPort(host, server.port()), options,
        new SimpleMeterRegistry()));
  }
}
