package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.EdgeGrpcService;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Serving replies on the ack chain (docs/serving.md), over real gRPC edges on loopback: a message
 * marked serve is acked with what the downstream produced for it, merged over fan-out, and a plain
 * message's ack is what it always was.
 */
class EdgeRepliesTest extends TwoVertxEdgeTest {

  private static ReplyOutput output(String vertex, String value) {
    return ReplyOutput.newBuilder().setVertex(vertex).setValue(ByteString.copyFromUtf8(value)).build();
  }

  /** The replies the producer heard, by message index (a plain ack: no entry), and how often it heard of each. */
  private final Map<Integer, List<ReplyOutput>> replies = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> told = new ConcurrentHashMap<>();

  private EdgeServer fanOutServer(int total) {
    return fanOutServer(total, EdgeOptions.defaults());
  }

  private EdgeServer fanOutServer(int total, EdgeOptions options) {
    AtomicInteger next = new AtomicInteger();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "map", options, 100,
        new EdgeRoutes(List.of(new EdgeRoutes.Route("a", TagCondition.parse("or:x")), new EdgeRoutes.Route("b", TagCondition.parse("or:x"))),
            "map.edge.to"), upRegistry));
    run(up, () -> server.ackListener((m, a, reply) -> {
      if (reply != null) {
        replies.put((Integer) a, reply);
      }
      told.computeIfAbsent((Integer) a, k -> new AtomicInteger()).incrementAndGet();
    }).demandHandler(v -> {
      while (next.get() < total && server.room() > 0 && server.subscriberCount() == 2) {
        int i = next.getAndIncrement();
        // even: tagged x, so on both edges; odd: on none (dropped, acked as done)
        EdgeMessageBuilder m = EdgeMessage.newBuilder().setId("m" + i).setValue(ByteString.copyFromUtf8("v" + i)).setServe(true);
        server.offer((i % 2 == 0 ? m.addTags("x") : m).build(), i);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    return server;
  }

  /** A subscriber of vertex {@code vertex} acking each delivery with the reply {@code <vertex>:<id>}. */
  private EdgeSubscriber replying(EdgeServer server, String vertex) {
    return replying(server, vertex, EdgeOptions.defaults(), i -> 0);
  }

  /**
   * A subscriber of vertex {@code vertex} acking each delivery with the reply {@code <vertex>:<id>},
   * padded with {@code padding.apply(i)} bytes for message {@code m<i>}.
   */
  private EdgeSubscriber replying(EdgeServer server, String vertex, EdgeOptions options, IntUnaryOperator padding) {
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, vertex, vertex + "-0",
        new HostPort("127.0.0.1", server.port()), options, new SimpleMeterRegistry()));
    run(down, () -> sub.handler(d -> {
      String id = d.message().getId();
      sub.ack(d, List.of(output(vertex, vertex + ":" + id + "x".repeat(padding.applyAsInt(Integer.parseInt(id.substring(1)))))));
    }).start());
    return sub;
  }

  /** Frames of 16 KiB: a reply is capped at {@link MergedReply#cap} of it. */
  private static final EdgeOptions SMALL_FRAMES = EdgeOptions.defaults().withMaxFrameBytes(16_384, 8_192);

  private double violations() {
    return call(up, () -> upRegistry.find("flowmesh.edge.protocol.violations").counters().stream()
        .mapToDouble(c -> c.count()).sum());
  }

  @Test
  void copiesWhoseRepliesTogetherAreOverTheCapAreAnsweredWithAFailureNamingTheLimitAndNothingIsRedelivered() {
    int total = 200;
    EdgeServer server = fanOutServer(total, SMALL_FRAMES);
    // every 4th message: each copy's reply is 9,000 bytes, under the cap alone, over it merged
    IntUnaryOperator padding = i -> i % 4 == 0 ? 9_000 : 0;
    EdgeSubscriber a = replying(server, "a", SMALL_FRAMES, padding);
    EdgeSubscriber b = replying(server, "b", SMALL_FRAMES, padding);
    until(() -> told.size() == total, 30_000, () -> "every message acked upstream, " + told.size() + " so far");
    for (int i = 0; i < total; i += 2) {
      assertEquals(1, told.get(i).get(), "message " + i + " acked to the producer once");
      List<ReplyOutput> r = replies.get(i);
      if (i % 4 == 0) {
        assertEquals(1, r.size(), "message " + i + ": one failure in place of the merged outputs: " + r.size());
        ReplyOutput f = r.get(0);
        assertEquals("m" + i, f.getId());
        assertEquals("map", f.getVertex(), "the vertex whose merge went over");
        assertTrue(f.getError().contains("bytes over the " + MergedReply.cap(16_384)) && f.getError().contains("edge.max-frame-bytes=16384"),
            f.getError());
      } else {
        assertEquals(2, r.size(), "message " + i + ": both copies' replies: " + r);
        assertTrue(ReplyFailures.firstFailure(r) == null, r.toString());
      }
    }
    assertEquals(0, call(up, server::redelivered), "nothing redelivered");
    assertEquals(0.0, violations(), "no frame over the limit reached the server");
    assertEquals(0, call(down, a::reconnects) + call(down, b::reconnects), "the links held");
  }

  @Test
  void aSingleReplyOverTheCapIsSentAsAFailureAndRepliesOfOneFlushAreSplitOverFramesThatFit() {
    int total = 300;
    AtomicInteger next = new AtomicInteger();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", SMALL_FRAMES, 1000, upRegistry));
    run(up, () -> server.ackListener((m, a, reply) -> {
      if (reply != null) {
        replies.put((Integer) a, reply);
      }
      told.computeIfAbsent((Integer) a, k -> new AtomicInteger()).incrementAndGet();
    }).demandHandler(v -> {
      while (next.get() < total && server.room() > 0 && server.subscriberCount() == 1) {
        int i = next.getAndIncrement();
        server.offer(EdgeMessage.newBuilder().setId("m" + i).setValue(ByteString.copyFromUtf8("v")).setServe(true).build(), i);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    // every 10th message's reply is 20,000 bytes, over the 16 KiB frame; the others 3,000 (several per frame)
    EdgeSubscriber sink = replying(server, "sink", SMALL_FRAMES, i -> i % 10 == 0 ? 20_000 : 3_000);
    until(() -> told.size() == total, 30_000, () -> "every message acked upstream, " + told.size() + " so far");
    for (int i = 0; i < total; i++) {
      assertEquals(1, told.get(i).get(), "message " + i + " acked once");
      ReplyOutput o = replies.get(i).get(0);
      if (i % 10 == 0) {
        assertTrue(o.getError().contains("edge.max-frame-bytes=16384") && o.getVertex().equals("sink"), o.getError());
        assertEquals("m" + i, o.getId());
      } else {
        assertEquals("", o.getError());
        assertEquals(3_000 + ("sink:m" + i).length(), o.getValue().size(), "message " + i + "'s reply whole");
      }
    }
    assertEquals(0, call(up, server::redelivered), "nothing redelivered");
    assertEquals(0.0, violations(), "no frame over the limit reached the server");
    assertEquals(0, call(down, sink::reconnects), "the link held");
  }

  @Test
  void theRepliesOfEveryCopyAreMergedIntoTheOneAckAndAMessageNoEdgeTookGetsAnEmptyReply() {
    int total = 2_000;
    EdgeServer server = fanOutServer(total);
    replying(server, "a");
    replying(server, "b");
    until(() -> told.size() == total, 30_000, () -> "every message acked upstream, " + told.size() + " so far");
    for (int i = 0; i < total; i++) {
      assertEquals(1, told.get(i).get(), "message " + i + " acked to the producer once");
      List<ReplyOutput> r = replies.get(i);
      if (i % 2 == 1) {
        assertEquals(List.of(), r, "message " + i + " went on no edge: an explicit empty reply");
        continue;
      }
      List<String> values = new ArrayList<>();
      r.forEach(o -> values.add(o.getValue().toStringUtf8()));
      Collections.sort(values);
      assertEquals(List.of("a:m" + i, "b:m" + i), values, "message " + i + ": each copy's reply exactly once, merged");
    }
  }

  @Test
  void aPlainMessageIsAckedWithSeqsOnlyAndAServingOneWithItsReplyInstead() {
    List<Ack> acks = new CopyOnWriteArrayList<>();
    int port = awaitOn(up, () -> {
      GrpcServer grpc = GrpcServer.server(upVertx);
      grpc.callHandler(EdgeGrpcService.Subscribe, req -> req.handler(frame -> {
        if (frame.hasHello()) {
          Batch.Builder b = Batch.newBuilder().setFirstSeq(0);
          for (int i = 0; i < 4; i++) {
            b.addMessages(io.flowmesh.proto.edge.v1.Message.newBuilder().setId("r" + i).setValue(ByteString.copyFromUtf8("v")).setServe(i == 3));
          }
          req.response().write(UpstreamFrame.newBuilder().setBatch(b).build());
        } else if (frame.hasAck()) {
          acks.add(frame.getAck());
        }
      }));
      return upVertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").map(HttpServer::actualPort);
    });
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "map", "map-0", new HostPort("127.0.0.1", port),
        EdgeOptions.defaults(), new SimpleMeterRegistry()));
    List<Delivery> got = new ArrayList<>();
    run(down, () -> sub.handler(got::add).start());
    until(() -> call(down, got::size) == 4, 10_000, () -> "4 deliveries");
    // the first two plainly, alone in their flush: their frame must be today's
    run(down, () -> {
      sub.ack(got.get(0));
      sub.ack(got.get(1), List.of(output("sink", "ignored: not a serving message")));
    });
    until(() -> acks.size() == 1, 10_000, () -> "the first ack frame");
    Ack plain = acks.get(0);
    assertEquals(Ack.newBuilder().addSeqs(0).addSeqs(1).build().toByteString(), plain.toByteString(),
        "a plain ack frame is byte for byte what it was before serving: " + plain);
    run(down, () -> {
      sub.ack(got.get(2));
      sub.ack(got.get(3), List.of(output("sink", "answer")));
    });
    until(() -> acks.size() == 2, 10_000, () -> "the second ack frame");
    Ack mixed = acks.get(1);
    assertEquals(List.of(2L), mixed.getSeqsList(), "the plain message's seq in seqs");
    assertEquals(1, mixed.getRepliesCount(), "the serving message acked by its reply: " + mixed);
    assertEquals(3, mixed.getReplies(0).getSeq());
    assertEquals("answer", mixed.getReplies(0).getOutputs(0).getValue().toStringUtf8());
    assertTrue(plain.getRepliesCount() == 0);
  }
}
