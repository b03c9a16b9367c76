package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** An EdgeServer in one Vert.x instance, EdgeSubscribers in another, on ephemeral loopback ports. */
class EdgeTest extends TwoVertxEdgeTest {

  private static final ByteString VALUE = ByteString.copyFromUtf8("x".repeat(100));

  static EdgeMessage msg(long i) {
    return EdgeMessage.newBuilder().setId(Long.toString(i)).setValue(VALUE).setEventTime(i).build();
  }

  @Test
  void aMillionMessagesArriveExactlyOnceAndInOrderOnOneEdge() {
    int total = 1_000_000;
    EdgeServer server = producingServer(EdgeOptions.defaults(), 16_384, total);
    AtomicLong acked = new AtomicLong();
    run(up, () -> server.ackListener((m, a, r) -> acked.incrementAndGet()));
    BitSet seen = new BitSet(total);
    AtomicLong expected = new AtomicLong();
    AtomicReference<String> problem = new AtomicReference<>();
    EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults(), "s0");
    run(down, () -> sub.handler(d -> {
      int i = Integer.parseInt(d.message().getId());
      if (seen.get(i)) {
        problem.compareAndSet(null, "message " + i + " arrived twice");
      } else if (i != expected.get()) {
        problem.compareAndSet(null, "message " + i + " arrived when " + expected.get() + " was expected");
      }
      seen.set(i);
      expected.incrementAndGet();
      sub.ack(d);
    }).start());
    until(() -> acked.get() == total || problem.get() != null, 120_000, () -> "acked=" + acked.get());
    assertEquals(null, problem.get());
    assertEquals(total, (int) call(down, seen::cardinality));
    assertEquals(total, expected.get());
    assertEquals(0, (long) call(up, server::redelivered));
    // The gauges are read here, off the edge's event loop, as a scrape reads them.
    until(() -> upRegistry.get("flowmesh.edge.unacked").gauge().value() == 0, 5_000, () -> "the unacked gauge to reach 0");
    assertEquals(1.0, upRegistry.get("flowmesh.edge.subscribers").gauge().value());
  }

  @Test
  void aRawReceiverCountingCreditIsNeverSentMoreThanItGranted() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 1000, 20_000);
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    AtomicLong granted = new AtomicLong(7);
    AtomicLong received = new AtomicLong();
    AtomicLong maxOver = new AtomicLong();
    java.util.Random random = new java.util.Random(3);
    raw.onBatch(batch -> {
      long r = received.addAndGet(batch.getMessagesCount());
      maxOver.accumulateAndGet(r - granted.get(), Math::max);
      java.util.List<Long> seqs = new java.util.ArrayList<>();
      for (int i = 0; i < batch.getMessagesCount(); i++) {
        seqs.add(batch.getFirstSeq() + i);
      }
      raw.ack(seqs);
      if (r == granted.get()) {
        int more = 1 + random.nextInt(50);
        granted.addAndGet(more);
        raw.credit(more);
      }
    });
    raw.hello("raw", 1, 7);
    until(() -> received.get() >= 20_000, 60_000, () -> "received=" + received.get());
    assertTrue(maxOver.get() <= 0, "the upstream went " + maxOver.get() + " messages over the credit granted");
    assertEquals(20_000, received.get());
  }

  @Test
  void aSlowReceiverKeepsTheSendersQueueAndTheReceiversBufferWithinTheirBounds() {
    EdgeOptions options = EdgeOptions.defaults().withInputCapacity(100).withMaxUnacked(200);
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", options, 1000, new SimpleMeterRegistry()));
    AtomicLong produced = new AtomicLong();
    run(up, () -> upVertx.setPeriodic(1, id -> {
      while (server.offer(msg(produced.get()), null)) {
        produced.incrementAndGet();
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    EdgeSubscriber sub = subscriber(server, options, "slow");
    AtomicInteger maxBuffered = new AtomicInteger();
    AtomicInteger maxUnacked = new AtomicInteger();
    AtomicInteger maxQueued = new AtomicInteger();
    AtomicLong consumed = new AtomicLong();
    run(down, () -> {
      sub.pause();
      sub.handler(d -> {
        consumed.incrementAndGet();
        downVertx.setTimer(20, id -> sub.ack(d));
      });
      sub.start();
      downVertx.setPeriodic(1, id -> {
        maxBuffered.accumulateAndGet(sub.buffered(), Math::max);
        maxUnacked.accumulateAndGet(sub.unacked(), Math::max);
        sub.fetch(2);
      });
    });
    run(up, () -> upVertx.setPeriodic(1, id -> maxQueued.accumulateAndGet(server.queued(), Math::max)));
    until(() -> consumed.get() >= 1500, 30_000, () -> "consumed=" + consumed.get());
    assertTrue(maxQueued.get() <= 1000, "sender queue reached " + maxQueued.get());
    assertTrue(maxBuffered.get() <= 100, "receiver buffer reached " + maxBuffered.get());
    assertTrue(maxUnacked.get() <= 200, "unacked reached " + maxUnacked.get());
    long lag = produced.get() - consumed.get();
    assertTrue(lag <= 1000 + 100 + 200 + 300, "producer ran " + lag + " ahead of the consumer: something buffered without bound");
  }

  @Test
  void anUpstreamThatOverrunsCreditGetsResourceExhaustedNamingHowFarOver() {
    RawUpstream raw = new RawUpstream(upVertx, 5);
    int port = raw.listen();
    EdgeOptions options = EdgeOptions.defaults().withInputCapacity(20);
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "s", new HostPort("127.0.0.1", port), options,
        new SimpleMeterRegistry()));
    run(down, () -> sub.handler(d -> { }).start());
    until(() -> raw.abort.get() != null, 10_000, () -> "an abort frame");
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED.code, raw.abort.get().getCode());
    assertTrue(raw.abort.get().getMessage().contains("5 messages over its credit"), raw.abort.get().getMessage());
    EdgeException failure = call(down, sub::lastFailure);
    assertNotNull(failure);
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, failure.status());
  }

  @Test
  void aSubscriberClosedMidStreamLosesNothingBecauseAnotherIsRedeliveredItsUnacked() {
    int total = 20_000;
    EdgeServer server = producingServer(EdgeOptions.defaults(), 1000, total);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    run(up, () -> server.ackListener((m, a, r) -> acked.add(m.getId())));
    EdgeOptions small = EdgeOptions.defaults().withInputCapacity(200);
    EdgeSubscriber quitter = subscriber(server, small, "quitter");
    AtomicLong quitterGot = new AtomicLong();
    run(down, () -> quitter.handler(d -> {
      long n = quitterGot.incrementAndGet();
      if (n < 1000) {
        quitter.ack(d);
      } else if (n == 1500) {
        quitter.close();
      }
    }).start());
    until(() -> quitterGot.get() >= 1500, 30_000, () -> "quitter received " + quitterGot.get());
    EdgeSubscriber stayer = subscriber(server, small, "stayer");
    run(down, () -> stayer.handler(stayer::ack).start());
    until(() -> acked.size() == total, 60_000, () -> "acked " + acked.size() + " of " + total);
    assertTrue(call(up, server::redelivered) >= 500, "the quitter's unacked messages were redelivered");
  }

  @Test
  void twoSubscribersShareTheLoadByCredit() {
    int total = 50_000;
    // Production starts once both are connected, or the first could take everything.
    EdgeServer server = producingServer(EdgeOptions.defaults(), 1000, total, 2);
    AtomicLong acked = new AtomicLong();
    run(up, () -> server.ackListener((m, a, r) -> acked.incrementAndGet()));
    EdgeOptions options = EdgeOptions.defaults().withInputCapacity(256);
    EdgeSubscriber a = subscriber(server, options, "a");
    EdgeSubscriber b = subscriber(server, options, "b");
    AtomicLong gotA = new AtomicLong();
    AtomicLong gotB = new AtomicLong();
    run(down, () -> {
      a.handler(d -> {
        gotA.incrementAndGet();
        downVertx.setTimer(1, id -> a.ack(d));
      });
      b.handler(d -> {
        gotB.incrementAndGet();
        downVertx.setTimer(1, id -> b.ack(d));
      });
      a.start();
      b.start();
    });
    until(() -> acked.get() == total, 60_000, () -> "acked=" + acked.get());
    assertEquals(total, gotA.get() + gotB.get());
    assertTrue(gotA.get() > total / 5 && gotB.get() > total / 5, "a=" + gotA.get() + " b=" + gotB.get());
  }

  @Test
  void anOversizedMessageIsRefusedWithAnErrorNamingTheLimit() {
    EdgeOptions options = EdgeOptions.defaults().withMaxMessageBytes(1000);
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", options, 10, new SimpleMeterRegistry()));
    EdgeMessage big = EdgeMessage.newBuilder().setId("big").setValue(ByteString.copyFrom(new byte[2000])).build();
    MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> call(up, () -> server.offer(big, null)));
    assertTrue(e.getMessage().contains("id=big") && e.getMessage().contains("edge.max-message-bytes=1000"), e.getMessage());
    assertEquals(0, (int) call(up, server::queued));
  }

  @Test
  void aFrameOverTheMaxFrameSizeIsRefusedWithResourceExhausted() {
    EdgeOptions options = new EdgeOptions(256, 64 * 1024, 1024, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ZERO, 1 << 16,
        100, 1 << 20, 1000, Duration.ofMillis(50), Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(20), io.flowmesh.runtime.tls.TlsOptions.OFF,
        EdgeAuth.NONE);
    EdgeServer server = producingServer(options, 10, 0);
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    raw.hello("raw", 1, 0);
    java.util.List<Long> many = new java.util.ArrayList<>();
    for (long i = 0; i < 40_000; i++) {
      many.add(1L << 40 | i);
    }
    raw.ack(many);
    until(() -> raw.status.get() != null, 10_000, () -> "a status");
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, raw.status.get());
    assertTrue(raw.statusMessage.get().contains("over edge.max-frame-bytes=65536") && raw.statusMessage.get().matches("frame of \\d+ bytes .*"), raw.statusMessage.get());
  }

  @Test
  void theWatermarkHeartbeatAdvancesWhileTheUpstreamIsIdle() {
    EdgeOptions options = EdgeOptions.defaults().withHeartbeatInterval(Duration.ofMillis(20));
    EdgeServer server = producingServer(options, 10, 0);
    run(up, () -> upVertx.setPeriodic(10, id -> server.watermark(System.currentTimeMillis())));
    EdgeSubscriber sub = subscriber(server, options, "idle");
    run(down, () -> sub.handler(d -> { }).start());
    until(() -> call(down, sub::watermark) > 0, 10_000, () -> "a first watermark");
    long first = call(down, sub::watermark);
    until(() -> call(down, sub::watermark) > first + 100, 10_000, () -> "the watermark to advance past " + first);
    assertEquals(0L, (long) call(down, sub::received), "no data was sent, only heartbeats");
  }

  @Test
  void dataBeforeHelloFailsTheEdgeWithFailedPrecondition() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 10, 0);
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    raw.credit(10);
    until(() -> raw.status.get() != null, 10_000, () -> "a status");
    assertEquals(GrpcStatus.FAILED_PRECONDITION, raw.status.get());
    assertTrue(raw.statusMessage.get().contains("first frame must be a hello"), raw.statusMessage.get());
  }

  @Test
  void anIncompatibleProtocolVersionIsRefusedNamingBothVersions() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 10, 0);
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    raw.hello("raw", 9, 10);
    until(() -> raw.status.get() != null, 10_000, () -> "a status");
    assertEquals(GrpcStatus.FAILED_PRECONDITION, raw.status.get());
    assertTrue(raw.statusMessage.get().contains("version 9") && raw.statusMessage.get().contains("version 1"), raw.statusMessage.get());
  }

  @Test
  void anAckForASequenceNeverSentFailsOnlyThatEdge() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 100, 1_000_000);
    EdgeSubscriber good = subscriber(server, EdgeOptions.defaults().withInputCapacity(64), "good");
    AtomicLong goodGot = new AtomicLong();
    run(down, () -> good.handler(d -> {
      goodGot.incrementAndGet();
      good.ack(d);
    }).start());
    RawSubscriber raw = new RawSubscriber(downVertx, server.port());
    raw.hello("raw", 1, 0);
    raw.ack(java.util.List.of(12345L));
    until(() -> raw.status.get() != null, 10_000, () -> "a status");
    assertEquals(GrpcStatus.INVALID_ARGUMENT, raw.status.get());
    assertTrue(raw.statusMessage.get().contains("ack for seq 12345"), raw.statusMessage.get());
    long before = goodGot.get();
    until(() -> goodGot.get() > before + 1000, 10_000, () -> "the good subscriber to keep receiving");
  }
}
