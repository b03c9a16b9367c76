package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that closes its edge — as a vertex does when it stops gracefully — while the
 * upstream is still sending: every ack it made must reach the upstream before the connection goes,
 * or the upstream requeues messages the vertex already processed and they are delivered twice.
 */
class EdgeCloseTest extends TwoVertxEdgeTest {

  @Test
  void everyAckMadeBeforeCloseReachesTheUpstreamWhileItIsStillSending() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 16_384, Long.MAX_VALUE);
    long ackedDownstream = 0;
    for (int i = 0; i < 20; i++) {
      AtomicLong acks = new AtomicLong();
      EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults(), "s" + i);
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
