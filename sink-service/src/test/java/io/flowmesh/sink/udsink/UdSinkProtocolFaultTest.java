package io.flowmesh.sink.udsink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.testing.LogCapture;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.sink.writer.FallbackWriter;
import io.flowmesh.sink.writer.HeldWriter;
import io.flowmesh.sink.writer.SinkWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user-defined sink's answers from a fake {@code sink.v1} server in this test (raw gRPC over
 * HTTP/2, current proto): protocol faults each fail their batch with an error naming udsink and the
 * fault, are counted in {@code flowmesh_sink_udsink_protocol_errors_total}, and the next batch
 * against a well-behaved server is written (the writer stays usable); and the per-status routing
 * of FALLBACK, ON_SUCCESS, SERVE and NACK (SDK 0.9.2 answers only SUCCESS, FAILURE and FALLBACK).
 * A batch is done (and so acked by the sink verticle) only once its fallback and on-success
 * writes are done: the test holds those writes and looks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdSinkProtocolFaultTest {

  enum Mode { GOOD, NO_HANDSHAKE, UNKNOWN_ID, FEWER, GARBAGE, OUT_OF_ORDER, FALLBACK, ON_SUCCESS, SERVE_NACK }

  private Vertx vertx;
  private FakeSinkServer server;
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.GOOD);
  private SimpleMeterRegistry registry;
  private SinkWriter writer;
  private final HeldWriter fallback = new HeldWriter().answerAtOnce();
  private final HeldWriter onSuccess = new HeldWriter().answerAtOnce();
  private final List<String> nackedOnce = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = FakeSinkServer.start(vertx, 0, new FakeSinkServer.Answers() {
      @Override
      public boolean handshake() {
        return mode.get() != Mode.NO_HANDSHAKE;
      }

      @Override
      public void batch(HttpServerResponse resp, List<String> ids) {
        answer(resp, ids);
      }
    });
    registry = new SimpleMeterRegistry();
    UdfConnection conn = UdfConnection.builder("sink.udsink").address("tcp://127.0.0.1:" + server.port())
        .timeout(Duration.ofSeconds(5)).stallTimeout(Duration.ofSeconds(5))
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    writer = UdSinkWriter.open(vertx, conn, "primary sink", fallback, onSuccess, 3, Duration.ofMillis(5), Duration.ofMillis(20),
        new UdSinkOutcomes(registry)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    writer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aMissingHandshakeIsAProtocolErrorAndTheNextBatchIsWritten() throws Exception {
    assertFault(Mode.NO_HANDSHAKE, "invalid handshake");
  }

  @Test
  void aResultForAnUnknownIdIsAProtocolErrorAndTheNextBatchIsWritten() throws Exception {
    assertFault(Mode.UNKNOWN_ID, "a result for unknown id 'nope' (not in the batch of 3)");
  }

  @Test
  void fewerResultsThanRequestsIsAProtocolErrorAndTheNextBatchIsWritten() throws Exception {
    assertFault(Mode.FEWER, "fewer results than requests: eot after 2 of 3");
  }

  @Test
  void garbageBytesAreAProtocolErrorAndTheNextBatchIsWritten() throws Exception {
    assertFault(Mode.GARBAGE, "undecodable SinkResponse");
  }

  @Test
  void resultsInAnyOrderEachGoToTheirOwnMessage() throws Exception {
    mode.set(Mode.OUT_OF_ORDER);
    BitSet failed = send(batch("o", 6)).get(20, TimeUnit.SECONDS);
    assertEquals(List.of(5), failed.stream().boxed().toList(), "only o-5, answered FAILURE on every attempt, failed");
    assertEquals(3, count("failed"), "o-5's three FAILURE answers");
    assertEquals(0, registry.get("flowmesh.sink.udsink.protocol.errors").counter().count());
  }

  @Test
  void fallbackAnswersGoToTheFallbackSinkAndTheBatchIsDoneOnlyOnceThatWriteIs() throws Exception {
    mode.set(Mode.FALLBACK);
    fallback.hold();
    CompletableFuture<BitSet> done = send(batch("f", 10));
    until(() -> fallback.held() == 1, 10_000, () -> "the fallback to be given the FALLBACK answers");
    assertFalse(done.isDone(), "not done (so not acked) while the fallback's write is outstanding");
    assertEquals(List.of("f-1", "f-4", "f-7"), fallback.got().stream().map(EdgeMessage::getId).toList(), "FALLBACK for every third id from 1");
    fallback.release();
    assertTrue(done.get(20, TimeUnit.SECONDS).isEmpty());
    assertEquals(3, count("fallback"));
    assertEquals(0, count("fallback-failed"));
  }

  @Test
  void fallbackAnswersTheFallbackSinkFailsAreFailedAndCounted() throws Exception {
    mode.set(Mode.FALLBACK);
    fallback.hold();
    CompletableFuture<BitSet> done = send(batch("g", 10));
    until(() -> fallback.held() == 1, 10_000, () -> "the fallback to be given the FALLBACK answers");
    fallback.fail();
    assertEquals(List.of(1, 4, 7), done.get(20, TimeUnit.SECONDS).stream().boxed().toList(), "failed: nacked, delivered again");
    assertEquals(0, count("fallback"));
    assertEquals(3, count("fallback-failed"));
    assertTrue(writer.lastError().contains("fallback sink held failed"), writer.lastError());
  }

  @Test
  void onSuccessCopiesGoToTheOnSuccessSinkGivenOrOriginalAndTheBatchIsDoneOnlyOnceThatWriteIs() throws Exception {
    mode.set(Mode.ON_SUCCESS);
    onSuccess.hold();
    CompletableFuture<BitSet> done = send(batch("s", 10));
    until(() -> onSuccess.held() == 1, 10_000, () -> "the on-success sink to be given the ON_SUCCESS answers");
    assertFalse(done.isDone(), "not done (so not acked) while the on-success write is outstanding");
    List<EdgeMessage> got = onSuccess.got();
    assertEquals(List.of("s-0", "s-2", "s-4", "s-6", "s-8"), got.stream().map(EdgeMessage::getId).toList(), "ON_SUCCESS for the even ids");
    assertEquals("replaced-s-0", got.get(0).getValue().toStringUtf8(), "the on_success_msg the server gave: its value");
    assertEquals(List.of("given-key"), got.get(0).getKeysList(), "and its keys");
    for (EdgeMessage m : got.subList(1, got.size())) {
      assertEquals("value-" + m.getId(), m.getValue().toStringUtf8(), "no on_success_msg: the original");
      assertEquals(List.of("key-" + m.getId()), m.getKeysList(), "the original's keys");
    }
    onSuccess.release();
    assertTrue(done.get(20, TimeUnit.SECONDS).isEmpty(), "every message written");
    assertEquals(5, count("on-success"));
  }

  @Test
  void onSuccessCopiesTheOnSuccessSinkFailsAreFailed() throws Exception {
    mode.set(Mode.ON_SUCCESS);
    onSuccess.hold();
    CompletableFuture<BitSet> done = send(batch("t", 4));
    until(() -> onSuccess.held() == 1, 10_000, () -> "the on-success sink to be given the ON_SUCCESS answers");
    onSuccess.fail();
    assertEquals(List.of(0, 2), done.get(20, TimeUnit.SECONDS).stream().boxed().toList(),
        "failed (nacked, delivered again): no copy is lost");
    assertEquals(0, count("on-success"));
    assertTrue(writer.lastError().contains("on-success sink held failed"), writer.lastError());
  }

  @Test
  void serveIsWrittenWithItsResponseHandedBackAndNackIsCountedUnsupportedAndRetriedAsFailure() throws Exception {
    mode.set(Mode.SERVE_NACK);
    ByteString[] served = new ByteString[2];
    BitSet failed = send(batch("n", 2), served).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "the NACKed id succeeded on its retry: " + failed);
    assertEquals(List.of("n-1"), nackedOnce, "n-1 was NACKed once, then resent");
    assertEquals("served-n-0", served[0] == null ? null : served[0].toStringUtf8(), "n-0's SERVE response handed back");
    assertNull(served[1], "n-1 answered SUCCESS: nothing served");
    assertEquals(1, count("serve"), "one SERVE, counted");
    assertEquals(1, count("unsupported-nack"), "one NACK, counted as not supported");
    assertEquals(1, count("failed"));
  }

  @Test
  void serveResponsesComeBackThroughTheFallbackRoute() throws Exception {
    mode.set(Mode.SERVE_NACK);
    HeldWriter diverted = new HeldWriter().answerAtOnce();
    SinkWriter routed = new FallbackWriter(writer, diverted, new UdSinkOutcomes(registry));
    ByteString[] served = new ByteString[2];
    BitSet failed = send(routed, batch("n", 2), served).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "written: " + failed);
    assertEquals("served-n-0", served[0] == null ? null : served[0].toStringUtf8(),
        "n-0's SERVE response handed back through sink.on-failure=fallback");
    assertNull(served[1], "n-1 answered SUCCESS: nothing served");
  }

  private void assertFault(Mode fault, String detail) throws Exception {
    mode.set(fault);
    ExecutionException e = null;
    try (LogCapture log = new LogCapture(UdSinkClient.class)) {
      try {
        send(batch("a", 3)).get(20, TimeUnit.SECONDS);
      } catch (ExecutionException x) {
        e = x;
      }
      List<String> errors = log.lines().stream().filter(l -> l.startsWith("ERROR")).toList();
      assertEquals(1, errors.size(), "one error line: " + errors);
      assertTrue(errors.get(0).startsWith("ERROR udsink protocol error role=primary sink address=tcp://127.0.0.1:")
          && errors.get(0).contains("fault=" + detail), errors.get(0));
    }
    assertTrue(e != null, "the batch failed");
    String msg = e.getCause().getMessage();
    assertTrue(msg.startsWith("udsink tcp://127.0.0.1:") && msg.contains("protocol error: " + detail), msg);
    assertEquals(1.0, registry.get("flowmesh.sink.udsink.protocol.errors").counter().count());
    mode.set(Mode.GOOD);
    BitSet failed = send(batch("b", 3)).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "the next batch is written: " + failed);
  }

  private double count(String outcome) {
    return registry.get("flowmesh.sink.outcomes").tag("outcome", outcome).counter().count();
  }

  private CompletableFuture<BitSet> send(List<EdgeMessage> batch) {
    return send(batch, null);
  }

  private CompletableFuture<BitSet> send(List<EdgeMessage> batch, ByteString[] served) {
    return send(writer, batch, served);
  }

  private CompletableFuture<BitSet> send(SinkWriter via, List<EdgeMessage> batch, ByteString[] served) {
    CompletableFuture<BitSet> f = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> via.send(batch, served).onComplete(ar -> {
      if (ar.succeeded()) {
        f.complete(ar.result());
      } else {
        f.completeExceptionally(ar.cause());
      }
    }));
    return f;
  }

  private static List<EdgeMessage> batch(String prefix, int n) {
    List<EdgeMessage> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      list.add(EdgeMessage.newBuilder().setId(id).setValue(ByteString.copyFromUtf8("value-" + id)).addKeys("key-" + id).build());
    }
    return list;
  }

  private static int position(String id) {
    return Integer.parseInt(id.substring(id.indexOf('-') + 1));
  }

  /** The fake sink's answer to a batch, per {@link #mode}. */
  private void answer(HttpServerResponse resp, List<String> ids) {
    SinkResponse.Builder b = SinkResponse.newBuilder();
    switch (mode.get()) {
      case GARBAGE -> {
        resp.write(Buffer.buffer(new byte[] {0, 0, 0, 0, 4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        return;
      }
      case UNKNOWN_ID -> b.addResults(SinkResponse.Result.newBuilder().setId("nope"));
      case FEWER -> ids.subList(0, ids.size() - 1).forEach(id -> b.addResults(SinkResponse.Result.newBuilder().setId(id)));
      case OUT_OF_ORDER -> {
        // Backwards, in two responses; o-5 fails every time.
        for (int i = ids.size() - 1; i >= 0; i--) {
          String id = ids.get(i);
          b.addResults(SinkResponse.Result.newBuilder().setId(id).setStatus(id.equals("o-5") ? Status.FAILURE : Status.SUCCESS)
              .setErrMsg(id.equals("o-5") ? "o-5 never works" : ""));
          if (i == ids.size() / 2) {
            resp.write(Buffer.buffer(io.flowmesh.proto.grpc.GrpcFrames.frame(b.build())));
            b.clear();
          }
        }
      }
      case FALLBACK -> ids.forEach(id -> b.addResults(SinkResponse.Result.newBuilder().setId(id)
          .setStatus(position(id) % 3 == 1 ? Status.FALLBACK : Status.SUCCESS)));
      case ON_SUCCESS -> {
        for (String id : ids) {
          SinkResponse.Result.Builder r = SinkResponse.Result.newBuilder().setId(id)
              .setStatus(position(id) % 2 == 0 ? Status.ON_SUCCESS : Status.SUCCESS);
          if (position(id) == 0) {
            r.setOnSuccessMsg(SinkResponse.Result.Message.newBuilder().setValue(ByteString.copyFromUtf8("replaced-" + id))
                .addKeys("given-key"));
          }
          b.addResults(r);
        }
      }
      case SERVE_NACK -> {
        for (String id : ids) {
          Status s = Status.SUCCESS;
          if (id.equals("n-0")) {
            s = Status.SERVE;
          } else if (id.equals("n-1") && nackedOnce.isEmpty()) {
            nackedOnce.add(id);
            s = Status.NACK;
          }
          SinkResponse.Result.Builder r = SinkResponse.Result.newBuilder().setId(id).setStatus(s);
          if (s == Status.SERVE) {
            r.setServeResponse(ByteString.copyFromUtf8("served-" + id));
          }
          b.addResults(r);
        }
      }
      default -> ids.forEach(id -> b.addResults(SinkResponse.Result.newBuilder().setId(id)));
    }
    FakeSinkServer.answer(resp, b.build());
  }
}
