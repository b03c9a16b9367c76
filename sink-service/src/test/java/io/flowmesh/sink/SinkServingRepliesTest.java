package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.sink.udsink.FakeSinkServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's reply to a serving message travels home on its ack (docs/serving.md): a user-defined
 * sink's SERVE response too large for an ack frame is replaced by a failure naming the limit, and the
 * message is acked, not redelivered; a redelivered copy the dedupe window drops is answered as its
 * first copy was (written, dropped, or — its first nacked — nacked too, never acked unwritten); a
 * record the udsink fails is dropped with a failure reply ({@code sink.on-failure=drop}).
 */
class SinkServingRepliesTest {

  private static final int FRAME = 65_536;

  private final Pipeline pipeline = new Pipeline();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    pipeline.close();
    OnLoop.await(vertx.close(), 20_000);
  }

  @Test
  void aServeResponseTooLargeForAnAckFrameIsRepliedAsAFailureNamingTheLimitAndTheMessageIsAckedOnce() throws Exception {
    int n = 10;
    // even ids: a SERVE response of 70,000 bytes, over a 64 KiB frame; odd ids: a small one
    FakeSinkServer udsink = FakeSinkServer.start(vertx, 0, (resp, ids) -> {
      SinkResponse.Builder b = SinkResponse.newBuilder();
      for (String id : ids) {
        int i = Integer.parseInt(id.substring(2));
        b.addResults(SinkResponse.Result.newBuilder().setId(id).setStatus(Status.SERVE)
            .setServeResponse(i % 2 == 0 ? ByteString.copyFrom(new byte[70_000]) : ByteString.copyFromUtf8("served-" + id)));
      }
      FakeSinkServer.answer(resp, b.build());
    });
    Context ctx = vertx.getOrCreateContext();
    // The upstream refuses frames over 64 KiB too: a reply sent whole would fail the edge, again and again.
    EdgeOptions small = EdgeOptions.defaults().withMaxFrameBytes(FRAME, FRAME / 2);
    EdgeServer upstream = OnLoop.call(ctx, () -> new EdgeServer(vertx, "up", small, 4096, new SimpleMeterRegistry()));
    Map<String, List<ReplyOutput>> replies = new ConcurrentHashMap<>();
    Map<String, Integer> told = new ConcurrentHashMap<>();
    OnLoop.run(ctx, () -> upstream.ackListener((m, a, reply) -> {
      told.merge(m.getId(), 1, Integer::sum);
      if (reply != null) {
        replies.put(m.getId(), reply);
      }
    }));
    int port = OnLoop.awaitOn(ctx, () -> upstream.listen("127.0.0.1", 0));
    OnLoop.run(ctx, () -> {
      for (int i = 0; i < n; i++) {
        upstream.offer(EdgeMessage.newBuilder().setId("s-" + i).setValue(ByteString.copyFromUtf8("v" + i)).setServe(true)
            .setIngestTime(System.currentTimeMillis()).build(), null);
      }
    });
    pipeline.sink(port, "--sink.type=udsink", "--sink.udsink.address=tcp://127.0.0.1:" + udsink.port(),
        "--edge.max-frame-bytes=" + FRAME, "--edge.max-message-bytes=" + FRAME / 2);

    until(() -> replies.size() == n, 30_000, () -> "replies for " + replies.size() + " of " + n);
    for (int i = 0; i < n; i++) {
      String id = "s-" + i;
      assertEquals(1, told.get(id), id + " acked once");
      ReplyOutput o = replies.get(id).get(0);
      if (i % 2 == 0) {
        assertEquals(id, o.getId());
        assertEquals("sink", o.getVertex());
        assertTrue(o.getError().startsWith("its reply was ") && o.getError().contains("edge.max-frame-bytes=" + FRAME),
            o.getError());
      } else {
        assertEquals("", o.getError());
        assertTrue(o.getServed());
        assertEquals("served-" + id, o.getValue().toStringUtf8());
      }
    }
    assertEquals(0, OnLoop.call(ctx, upstream::redelivered), "nothing redelivered");
    udsink.close();
  }

  /** An in-process upstream vertex: what it offers is marked serve; each ack's reply is kept, in order, by id. */
  private final class Upstream {
    final Context ctx = vertx.getOrCreateContext();
    final EdgeServer server = OnLoop.call(ctx, () -> new EdgeServer(vertx, "up", EdgeOptions.defaults(), 4096, new SimpleMeterRegistry()));
    /** Per id, the reply of each ack of it (an empty list for an ack without one). */
    final Map<String, List<List<ReplyOutput>>> acks = new ConcurrentHashMap<>();
    final int port;

    Upstream() {
      OnLoop.run(ctx, () -> server.ackListener((m, a, reply) ->
          acks.computeIfAbsent(m.getId(), k -> new CopyOnWriteArrayList<>()).add(reply == null ? List.of() : reply)));
      port = OnLoop.awaitOn(ctx, () -> server.listen("127.0.0.1", 0));
    }

    void offer(String... ids) {
      OnLoop.run(ctx, () -> {
        for (String id : ids) {
          server.offer(EdgeMessage.newBuilder().setId(id).setValue(ByteString.copyFromUtf8("value of " + id)).setServe(true)
              .setIngestTime(System.currentTimeMillis()).build(), null);
        }
      });
    }

    int acked(String id) {
      List<List<ReplyOutput>> a = acks.get(id);
      return a == null ? 0 : a.size();
    }

    /** The one output of the {@code n}th ack of {@code id}. */
    ReplyOutput reply(String id, int n) {
      List<ReplyOutput> r = acks.get(id).get(n);
      assertEquals(1, r.size(), id + " ack " + n + ": one output, got " + r);
      return r.get(0);
    }
  }

  /**
   * A fake udsink that counts the times it is sent each id and answers by the id's prefix: {@code s}
   * SERVE {@code served-<id>#<times>}, {@code w} SUCCESS, {@code x} FAILURE, {@code n} FAILURE the
   * first time and SERVE after.
   */
  private FakeSinkServer udsink(Map<String, Integer> sent) throws Exception {
    return FakeSinkServer.start(vertx, 0, (resp, ids) -> {
      SinkResponse.Builder b = SinkResponse.newBuilder();
      for (String id : ids) {
        int times = sent.merge(id, 1, Integer::sum);
        SinkResponse.Result.Builder r = SinkResponse.Result.newBuilder().setId(id);
        ByteString served = ByteString.copyFromUtf8("served-" + id + "#" + times);
        switch (id.charAt(0)) {
          case 's' -> r.setStatus(Status.SERVE).setServeResponse(served);
          case 'w' -> r.setStatus(Status.SUCCESS);
          case 'x' -> r.setStatus(Status.FAILURE).setErrMsg("disk full for " + id);
          default -> r.setStatus(times == 1 ? Status.FAILURE : Status.SERVE).setErrMsg(times == 1 ? "not yet" : "")
              .setServeResponse(served);
        }
        b.addResults(r);
      }
      FakeSinkServer.answer(resp, b.build());
    });
  }

  private static long duplicates(Launched sink) {
    return Pipeline.status(sink).getLong("duplicates");
  }

  @Test
  void aRedeliveredServeMessageTheSinkAlreadyWroteIsAnsweredAsTheFirstCopyWas() throws Exception {
    Map<String, Integer> sent = new ConcurrentHashMap<>();
    FakeSinkServer fake = udsink(sent);
    Upstream up = new Upstream();
    Launched sink = pipeline.sink(up.port, "--sink.type=udsink", "--sink.udsink.address=tcp://127.0.0.1:" + fake.port(),
        "--sink.dedupe-window=10000");
    up.offer("s-0", "w-0");
    until(() -> up.acked("s-0") == 1 && up.acked("w-0") == 1, 30_000, () -> "the first copies acked: " + up.acks.keySet());
    assertEquals("served-s-0#1", up.reply("s-0", 0).getValue().toStringUtf8());
    assertTrue(up.reply("s-0", 0).getServed());
    assertEquals("value of w-0", up.reply("w-0", 0).getValue().toStringUtf8(), "SUCCESS: the message written is the answer");

    // The same ids again (a redelivery): dropped by the window, not sent to the udsink, answered as the first.
    up.offer("s-0", "w-0");
    until(() -> up.acked("s-0") == 2 && up.acked("w-0") == 2, 30_000, () -> "the copies acked");
    assertEquals(up.reply("s-0", 0), up.reply("s-0", 1), "the copy's reply is the first's SERVE response");
    assertEquals(up.reply("w-0", 0), up.reply("w-0", 1), "the copy's reply is the message written");
    assertEquals(Map.of("s-0", 1, "w-0", 1), sent, "each written once");
    assertEquals(2, duplicates(sink));

    // Once the SERVE response is no longer held (4,096 later ones pushed it out), a copy is a failure, not a wrong answer.
    String[] later = new String[4096];
    for (int i = 0; i < later.length; i++) {
      later[i] = "s-later-" + i;
    }
    up.offer(later);
    until(() -> up.acked(later[later.length - 1]) == 1, 60_000, () -> "the later messages acked");
    up.offer("s-0");
    until(() -> up.acked("s-0") == 3, 30_000, () -> "the third copy acked");
    ReplyOutput forgotten = up.reply("s-0", 2);
    assertEquals("", forgotten.getValue().toStringUtf8());
    assertTrue(forgotten.getError().contains("no longer held"), forgotten.getError());
    assertEquals(1, sent.get("s-0"), "still written once");
    fake.close();
  }

  @Test
  void aCopyArrivingWhileItsFirstIsInWriteIsAnsweredAsTheFirstWrittenOrDropped() throws Exception {
    Map<String, Integer> sent = new ConcurrentHashMap<>();
    FakeSinkServer fake = udsink(sent);
    Upstream up = new Upstream();
    // Offered before the sink subscribes: each copy reaches it while its first is still to be written.
    up.offer("s-1", "x-1", "w-1", "s-1", "x-1", "w-1");
    Launched sink = pipeline.sink(up.port, "--sink.type=udsink", "--sink.udsink.address=tcp://127.0.0.1:" + fake.port(),
        "--sink.dedupe-window=10000", "--sink.on-failure=drop", "--sink.retry.attempts=1");
    until(() -> up.acked("s-1") == 2 && up.acked("x-1") == 2 && up.acked("w-1") == 2, 30_000, () -> "both copies acked: " + up.acks);
    assertEquals(3, duplicates(sink), "each copy came while its first was in flight");
    assertEquals(Map.of("s-1", 1, "x-1", 1, "w-1", 1), sent, "each sent to the udsink once");
    assertEquals("served-s-1#1", up.reply("s-1", 0).getValue().toStringUtf8());
    assertEquals("value of w-1", up.reply("w-1", 0).getValue().toStringUtf8());
    ReplyOutput dropped = up.reply("x-1", 0);
    assertTrue(dropped.getError().contains("dropped (sink.on-failure=drop)") && dropped.getError().contains("disk full for x-1"),
        dropped.getError());
    for (String id : List.of("s-1", "x-1", "w-1")) {
      assertEquals(up.reply(id, 0), up.reply(id, 1), id + ": the copy is answered as its first");
    }
    assertEquals(1.0, sink.registry().get("flowmesh.sink.dropped").counter().count(), "the failed record dropped once");
    fake.close();
  }

  @Test
  void aCopyWhoseFirstWasNackedIsNackedTooNeverAckedBeforeItIsWritten() throws Exception {
    Map<String, Integer> sent = new ConcurrentHashMap<>();
    FakeSinkServer fake = udsink(sent);
    Upstream up = new Upstream();
    List<String> ackedBeforeWritten = new CopyOnWriteArrayList<>();
    OnLoop.run(up.ctx, () -> up.server.ackListener((m, a, reply) -> {
      if (sent.getOrDefault(m.getId(), 0) < 2) { // the udsink failed it the first time; written the second
        ackedBeforeWritten.add(m.getId() + " " + reply);
      }
      up.acks.computeIfAbsent(m.getId(), k -> new CopyOnWriteArrayList<>()).add(reply == null ? List.of() : reply);
    }));
    up.offer("n-1", "n-1");
    pipeline.sink(up.port, "--sink.type=udsink", "--sink.udsink.address=tcp://127.0.0.1:" + fake.port(),
        "--sink.dedupe-window=10000", "--sink.retry.attempts=1", "--sink.retry-backoff=50ms");
    until(() -> up.acked("n-1") == 2, 30_000, () -> "both copies acked: " + up.acks + ", sent " + sent);
    assertEquals(List.of(), ackedBeforeWritten, "acked before the udsink wrote it");
    assertEquals(2, sent.get("n-1"), "failed once, then written once");
    assertEquals("served-n-1#2", up.reply("n-1", 0).getValue().toStringUtf8());
    assertEquals(up.reply("n-1", 0), up.reply("n-1", 1), "both copies answered with the write that happened");
    assertTrue(OnLoop.call(up.ctx, up.server::redelivered) >= 2, "both copies came back");
    fake.close();
  }
}
