package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.await;
import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that closes its edge — as a vertex does when it stops gracefully — while the
 * upstream is still sending: every ack it made must reach the upstream before the connection goes,
 * or the upstream requeues messages the vertex already processed and they are delivered twice.
 */
class EdgeCloseTest {

  private Vertx upVertx;
  private Vertx downVertx;
  private Context up;
  private Context down;

  @BeforeEach
  void start() {
    upVertx = Vertx.vertx();
    downVertx = Vertx.vertx();
    up = upVertx.getOrCreateContext();
    down = downVertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    await(Future.all(downVertx.close(), upVertx.close()), 20_000);
  }

  @Test
  void everyAckMadeBeforeCloseReachesTheUpstreamWhileItIsStillSending() {
    AtomicLong next = new AtomicLong();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", EdgeOptions.defaults(), 16_384, new SimpleMeterRegistry()));
    run(up, () -> server.demandHandler(v -> {
      while (server.room() > 0) {
        server.offer(EdgeTest.msg(next.getAndIncrement()), null);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    long ackedDownstream = 0;
    for (int i = 0; i < 20; i++) {
      AtomicLong acks = new AtomicLong();
      EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "s" + System.nanoTime(),
          new HostPort("127.0.0.1", server.port()), EdgeOptions.defaults(), new SimpleMeterRegistry()));
      run(down, () -> sub.handler(d -> {
        sub.ack(d);
        acks.incrementAndGet();
      }).start());
      until(() -> acks.get() >= 20_000, 30_000, () -> "acks=" + acks.get());
      awaitOn(down, sub::close);
      until(() -> call(up, server::subscriberCount) == 0, 10_000, () -> "the upstream still sees the subscriber");
      ackedDownstream += acks.get();
      long ackedUpstream = call(up, server::acked);
      assertEquals(ackedDownstream, ackedUpstream, "acks made downstream vs received upstream after close " + (i + 1)
          + ": the difference was requeued and will be delivered again");
    }
  }
}
