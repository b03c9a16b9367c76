package io.flowmesh.sink.udsink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.sink.v1.Handshake;
import io.flowmesh.proto.udf.sink.v1.SinkRequest;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.proto.udf.sink.v1.TransmissionStatus;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.sink.writer.SinkWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
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
 * Protocol faults of a user-defined sink, from a fake {@code sink.v1} server in this test (raw
 * gRPC over HTTP/2): each fails its batch with an error naming udsink and the fault, is counted in
 * {@code flowmesh_sink_udsink_protocol_errors_total}, and the next batch against a well-behaved
 * server is written (the writer stays usable); plus the per-status routing of ON_SUCCESS, SERVE
 * and NACK, which SDK 0.9.2 cannot answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdSinkProtocolFaultTest {

  enum Mode { GOOD, NO_HANDSHAKE, UNKNOWN_ID, FEWER, GARBAGE, ON_SUCCESS, SERVE_NACK }

  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.GOOD);
  private SimpleMeterRegistry registry;
  private SinkWriter writer;
  private final List<Message> onSuccessGot = new ArrayList<>();
  private final List<String> nackedOnce = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(this::serve);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    registry = new SimpleMeterRegistry();
    UdfConnection conn = UdfConnection.builder("sink.udsink").address("tcp://127.0.0.1:" + server.actualPort())
        .timeout(Duration.ofSeconds(5)).stallTimeout(Duration.ofSeconds(5))
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    SinkWriter onSuccess = new RecordingWriter(onSuccessGot);
    writer = UdSinkWriter.open(vertx, conn, "primary sink", null, onSuccess, 3, Duration.ofMillis(5), Duration.ofMillis(20),
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
    assertFault(Mode.UNKNOWN_ID, "a result for unknown id 'nope'");
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
  void onSuccessCopiesGoToTheOnSuccessSinkWithTheGivenMessageOrTheOriginal() throws Exception {
    mode.set(Mode.ON_SUCCESS);
    BitSet failed = send(batch("s", 3)).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "nothing failed: " + failed);
    assertEquals(3, onSuccessGot.size());
    assertEquals("replaced-s-0", onSuccessGot.get(0).getValue().toStringUtf8(), "the on_success_msg the server gave");
    assertEquals("value-s-1", onSuccessGot.get(1).getValue().toStringUtf8(), "no on_success_msg: the original");
    assertEquals(3, count("flowmesh.sink.outcomes", "on-success"));
  }

  @Test
  void serveAndNackAreCountedUnsupportedAndNackIsRetriedAsFailure() throws Exception {
    mode.set(Mode.SERVE_NACK);
    BitSet failed = send(batch("n", 2)).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "the NACKed id succeeded on its retry: " + failed);
    assertEquals(List.of("n-1"), nackedOnce, "n-1 was NACKed once, then resent");
    assertEquals(2, count("flowmesh.sink.outcomes", "unsupported"), "one SERVE, one NACK");
    assertEquals(1, count("flowmesh.sink.outcomes", "failed"));
  }

  private void assertFault(Mode fault, String detail) throws Exception {
    mode.set(fault);
    ExecutionException e = null;
    try {
      send(batch("a", 3)).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException x) {
      e = x;
    }
    assertTrue(e != null, "the batch failed");
    String msg = e.getCause().getMessage();
    assertTrue(msg.startsWith("udsink tcp://127.0.0.1:") && msg.contains("protocol error: " + detail), msg);
    assertEquals(1.0, registry.get("flowmesh.sink.udsink.protocol.errors").counter().count());
    mode.set(Mode.GOOD);
    BitSet failed = send(batch("b", 3)).get(20, TimeUnit.SECONDS);
    assertTrue(failed.isEmpty(), "the next batch is written: " + failed);
  }

  private double count(String name, String outcome) {
    return registry.get(name).tag("outcome", outcome).counter().count();
  }

  private CompletableFuture<BitSet> send(List<Message> batch) {
    CompletableFuture<BitSet> f = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> writer.send(batch).onComplete(ar -> {
      if (ar.succeeded()) {
        f.complete(ar.result());
      } else {
        f.completeExceptionally(ar.cause());
      }
    }));
    return f;
  }

  private static List<Message> batch(String prefix, int n) {
    List<Message> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Message.newBuilder().setId(prefix + "-" + i).setValue(ByteString.copyFromUtf8("value-" + prefix + "-" + i)).build());
    }
    return list;
  }

  /** The fake sink: one SinkFn stream per request; answers per {@link #mode} at each eot. */
  private void serve(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    if (req.path().endsWith("/IsReady")) {
      resp.putHeader("content-type", "application/grpc").putTrailer("grpc-status", "0").end(Buffer.buffer(new byte[] {0, 0, 0, 0, 2, 8, 1}));
      return;
    }
    resp.putHeader("content-type", "application/grpc");
    List<String> ids = new ArrayList<>();
    Buffer[] acc = {Buffer.buffer()};
    req.handler(data -> {
      acc[0].appendBuffer(data);
      while (acc[0].length() >= 5 && acc[0].length() >= 5 + acc[0].getInt(1)) {
        int len = acc[0].getInt(1);
        SinkRequest r;
        try {
          r = SinkRequest.parseFrom(acc[0].getBytes(5, 5 + len));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        acc[0] = acc[0].getBuffer(5 + len, acc[0].length());
        if (r.hasHandshake()) {
          SinkResponse answer = mode.get() == Mode.NO_HANDSHAKE
              ? SinkResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build()
              : SinkResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build();
          resp.write(Buffer.buffer(GrpcFrames.frame(answer)));
        } else if (r.hasRequest()) {
          ids.add(r.getRequest().getId());
        } else if (r.getStatus().getEot()) {
          answer(resp, ids);
          ids.clear();
        }
      }
    });
    req.endHandler(v -> resp.putTrailer("grpc-status", "0").end());
    req.exceptionHandler(t -> { });
  }

  private void answer(HttpServerResponse resp, List<String> ids) {
    SinkResponse.Builder b = SinkResponse.newBuilder();
    switch (mode.get()) {
      case GARBAGE -> {
        resp.write(Buffer.buffer(new byte[] {0, 0, 0, 0, 4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        return;
      }
      case UNKNOWN_ID -> b.addResults(SinkResponse.Result.newBuilder().setId("nope"));
      case FEWER -> ids.subList(0, ids.size() - 1).forEach(id -> b.addResults(SinkResponse.Result.newBuilder().setId(id)));
      case ON_SUCCESS -> {
        for (int i = 0; i < ids.size(); i++) {
          SinkResponse.Result.Builder r = SinkResponse.Result.newBuilder().setId(ids.get(i)).setStatus(Status.ON_SUCCESS);
          if (i == 0) {
            r.setOnSuccessMsg(SinkResponse.Result.Message.newBuilder().setValue(ByteString.copyFromUtf8("replaced-" + ids.get(i))));
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
          b.addResults(SinkResponse.Result.newBuilder().setId(id).setStatus(s));
        }
      }
      default -> ids.forEach(id -> b.addResults(SinkResponse.Result.newBuilder().setId(id)));
    }
    resp.write(Buffer.buffer(GrpcFrames.frame(b.build())));
    resp.write(Buffer.buffer(GrpcFrames.frame(SinkResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build())));
  }

  /** An on-success sink that keeps what it is given. */
  private static final class RecordingWriter implements SinkWriter {
    private final List<Message> got;

    RecordingWriter(List<Message> got) {
      this.got = got;
    }

    @Override
    public boolean sendsMessages() {
      return true;
    }

    @Override
    public Future<BitSet> send(List<Message> batch) {
      got.addAll(batch);
      return Future.succeededFuture(new BitSet());
    }

    @Override
    public void encode(Message m, io.flowmesh.sink.writer.OutBuffer out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> write(io.flowmesh.sink.writer.OutBuffer out) {
      return Future.failedFuture("unused");
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    @Override
    public String describe() {
      return "recording";
    }
  }
}
