package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  /**
   * The other way round: the upstream stops gracefully (it ends every call with UNAVAILABLE), and a
   * subscriber's acks sent after that end, as acks on their way at that moment are, still count —
   * or those messages are delivered again after the restart.
   */
  @Test
  void acksThatArriveAfterTheUpstreamEndedTheCallAreStillCounted() {
    int total = 50;
    AtomicLong acked = new AtomicLong();
    EdgeServer server = producingServer(EdgeOptions.defaults(), 100, total);
    run(up, () -> server.ackListener((m, a, reply) -> acked.incrementAndGet()));
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    List<Long> seqs = new CopyOnWriteArrayList<>();
    raw.onBatch(b -> {
      for (int i = 0; i < b.getMessagesCount(); i++) {
        seqs.add(b.getFirstSeq() + i);
      }
    });
    raw.hello("late-acks", 1, total);
    until(() -> seqs.size() == total, 10_000, () -> "received " + seqs.size());
    Future<Void> closed = call(up, server::close);
    until(() -> raw.status.get() != null, 10_000, () -> "the upstream's end of the call");
    assertEquals(GrpcStatus.UNAVAILABLE, raw.status.get());
    raw.ack(List.copyOf(seqs));
    until(() -> acked.get() == total, 10_000, () -> "acked at the upstream: " + acked.get() + " of " + total);
    OnLoop.await(closed, 20_000);
  }
}
