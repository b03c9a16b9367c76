package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.EdgeGrpcService;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code edge.ack-delay}: acks of messages that finish one by one wait to go out in one frame;
 * replies, nacks and a full batch of acks go at once. Over a real gRPC edge on loopback, against an
 * upstream that sends one message per batch every 5 ms and records every ack and nack frame.
 *
 * <p>The first batch sets the subscriber's estimate of a message's size, which always brings a
 * credit grant and with it that batch's ack; so the upstream sends a first message alone, waits
 * for its ack, and only then the {@link #MESSAGES} the tests look at.
 */
class AckDelayTest extends TwoVertxEdgeTest {

  private static final int MESSAGES = 10;

  /** One settlement frame after the first message's, as the upstream read it: when, and how many seqs it settled. */
  private record Frame(long nanos, int seqs) { }

  private final List<Frame> frames = new CopyOnWriteArrayList<>();
  private volatile long firstSentNanos;
  /** Whether the first message's ack came (upstream's loop only). */
  private boolean firstSettled;

  private static UpstreamFrame batch(long seq, boolean serve) {
    Message m = Message.newBuilder().setId("m" + seq).setValue(ByteString.copyFromUtf8("v")).setServe(serve).build();
    return UpstreamFrame.newBuilder().setBatch(Batch.newBuilder().setFirstSeq(seq).addMessages(m)).build();
  }

  /**
   * Serves an edge that sends a first message, and once that is settled {@link #MESSAGES} more, one
   * per batch, 5 ms apart (all marked serve if asked).
   */
  private int pacedUpstream(boolean serve) {
    return pacedUpstream(serve, 5);
  }

  /** As {@link #pacedUpstream(boolean)}, {@code periodMillis} apart. */
  private int pacedUpstream(boolean serve, long periodMillis) {
    return awaitOn(up, () -> {
      GrpcServer grpc = GrpcServer.server(upVertx);
      grpc.callHandler(EdgeGrpcService.Subscribe, req -> req.handler(frame -> {
        if (frame.hasHello()) {
          req.response().write(batch(0, serve));
          return;
        }
        int seqs = frame.hasAck() ? frame.getAck().getSeqsCount() + frame.getAck().getRepliesCount()
            : frame.hasNack() ? frame.getNack().getSeqsCount() : 0;
        if (seqs == 0) {
          return;
        }
        if (!firstSettled) {
          firstSettled = true;
          firstSentNanos = System.nanoTime();
          long[] next = {1};
          upVertx.setPeriodic(1, periodMillis, id -> {
            req.response().write(batch(next[0]++, serve));
            if (next[0] > MESSAGES) {
              upVertx.cancelTimer(id);
            }
          });
        } else {
          frames.add(new Frame(System.nanoTime(), seqs));
        }
      }));
      return upVertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").map(HttpServer::actualPort);
    });
  }

  /** Subscribes with {@code options}, settling every delivery as it arrives with {@code settle}. */
  private EdgeSubscriber subscribe(int port, EdgeOptions options, java.util.function.BiConsumer<EdgeSubscriber, Delivery> settle) {
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "sink", "s", new HostPort("127.0.0.1", port), options,
        new SimpleMeterRegistry()));
    Handler<Delivery> handler = d -> settle.accept(sub, d);
    run(down, () -> sub.handler(handler).start());
    return sub;
  }

  private int settled() {
    return frames.stream().mapToInt(Frame::seqs).sum();
  }

  private long millisAfterFirstSend(Frame f) {
    return (f.nanos() - firstSentNanos) / 1_000_000;
  }

  @Test
  void acksOfMessagesFinishedOneByOneGoOutTogetherOnceTheDelayIsUp() {
    subscribe(pacedUpstream(false), EdgeOptions.defaults().withAckDelay(Duration.ofMillis(300)), EdgeSubscriber::ack);
    until(() -> settled() == MESSAGES, 10_000, () -> "all " + MESSAGES + " acked: " + frames);
    assertTrue(frames.size() <= 2, "10 acks over ~50 ms, held up to 300 ms, in at most 2 frames: " + frames);
    long first = millisAfterFirstSend(frames.get(0));
    assertTrue(first >= 250, "the first ack frame came " + first + " ms after the first message: it was not held");
  }

  @Test
  void withNoDelayAcksGoOutAtTheEndOfEachTurn() {
    subscribe(pacedUpstream(false, 25), EdgeOptions.defaults().withAckDelay(Duration.ZERO), EdgeSubscriber::ack);
    until(() -> settled() == MESSAGES, 10_000, () -> "all " + MESSAGES + " acked: " + frames);
    assertTrue(frames.size() > 2, "10 messages 25 ms apart, each acked in its own turn: " + frames);
  }

  @Test
  void aReplyIsNotHeld() {
    ReplyOutput out = ReplyOutput.newBuilder().setVertex("sink").setValue(ByteString.copyFromUtf8("answer")).build();
    subscribe(pacedUpstream(true), EdgeOptions.defaults().withAckDelay(Duration.ofSeconds(30)), (sub, d) -> sub.ack(d, List.of(out)));
    until(() -> settled() == MESSAGES, 10_000, () -> "all " + MESSAGES + " replies, with acks held up to 30 s: " + frames);
  }

  @Test
  void aNackIsNotHeld() {
    subscribe(pacedUpstream(false), EdgeOptions.defaults().withAckDelay(Duration.ofSeconds(30)), (sub, d) -> sub.nack(d, "not now"));
    until(() -> settled() == MESSAGES, 10_000, () -> "all " + MESSAGES + " nacks, with acks held up to 30 s: " + frames);
  }

  @Test
  void aFullBatchOfAcksIsNotHeld() {
    EdgeOptions options = EdgeOptions.defaults().withAckDelay(Duration.ofSeconds(30)).withMaxBatch(4);
    subscribe(pacedUpstream(false), options, EdgeSubscriber::ack);
    until(() -> settled() >= 8, 10_000, () -> "two full batches of 4 acks, with acks held up to 30 s: " + frames);
    // Each frame went out because a full batch waited (it may hold one more, acked in the same
    // event-loop turn when a loaded machine delivers two batches at once); the rest stay held.
    assertTrue(frames.stream().allMatch(f -> f.seqs() >= 4), "a frame of fewer than 4 acks was not held: " + frames);
    assertTrue(settled() < MESSAGES, "the acks short of a full batch are still held: " + frames);
  }

  @Test
  void closingSendsTheAcksItHeld() {
    AtomicInteger acked = new AtomicInteger();
    EdgeSubscriber sub = subscribe(pacedUpstream(false), EdgeOptions.defaults().withAckDelay(Duration.ofSeconds(30)), (s, d) -> {
      s.ack(d);
      acked.incrementAndGet();
    });
    until(() -> acked.get() == 1 + MESSAGES, 10_000, () -> "every message acked by the vertex: " + acked.get());
    assertEquals(0, settled(), "held, with a 30 s delay: " + frames);
    run(down, sub::close);
    until(() -> settled() == MESSAGES, 10_000, () -> "the held acks sent by close: " + frames);
  }
}
