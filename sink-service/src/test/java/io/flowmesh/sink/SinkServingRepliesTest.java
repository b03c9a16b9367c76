package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.sink.udsink.FakeSinkServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's reply to a serving message travels home on its ack (docs/serving.md): a user-defined
 * sink's SERVE response too large for an ack frame is replaced by a failure naming the limit, and the
 * message is acked, not redelivered.
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
        upstream.offer(Message.newBuilder().setId("s-" + i).setValue(ByteString.copyFromUtf8("v" + i)).setServe(true)
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
}
