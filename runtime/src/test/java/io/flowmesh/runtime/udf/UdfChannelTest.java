package io.flowmesh.runtime.udf;

import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import com.google.protobuf.StringValue;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The channel and its streams against a real HTTP/2 server speaking raw gRPC on another service
 * than map's: the stream opens on any method path, the handshake it is given is sent first and
 * must be answered, and {@code IsReady} is that service's own. The messages are protobuf's
 * {@code StringValue}, standing for any protocol's.
 */
@ExtendWith(VertxExtension.class)
class UdfChannelTest {

  private static final StringValue SOT = StringValue.of("sot");
  /** {@code ReadyResponse{ready: true}} as a gRPC message. */
  private static final byte[] READY_TRUE = {0, 0, 0, 0, 2, 0x08, 0x01};

  private final List<String> paths = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private RawHttp2Server raw;
  private UdfChannel channel;
  private Context context;

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      context.runOnContext(v -> channel.close().onComplete(ar -> closed.complete(null)));
      closed.get(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
    if (raw != null) {
      raw.close();
    }
  }

  /** A server answering each request with {@code answer}; returns its address. */
  private String serve(Vertx vertx, Consumer<HttpServerRequest> answer) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> {
      paths.add(req.path());
      answer.accept(req);
    });
    return "tcp://127.0.0.1:" + server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private static void grpcHead(HttpServerResponse resp) {
    resp.putHeader("content-type", "application/grpc");
  }

  private static void okEnd(HttpServerResponse resp, byte[] body) {
    grpcHead(resp);
    resp.putTrailer("grpc-status", "0");
    resp.end(Buffer.buffer(body));
  }

  private void channel(Vertx vertx, String address, UdfService service) throws Exception {
    channel(vertx, address, service, Duration.ofSeconds(5));
  }

  private void channel(Vertx vertx, String address, UdfService service, Duration timeout) throws Exception {
    UdfConnection c = UdfConnection.builder("sink.udsink").address(address).timeout(timeout)
        .maxMessageSize(1024).build();
    assertEquals(List.of(), c.validate());
    context = vertx.getOrCreateContext();
    CompletableFuture<UdfChannel> made = new CompletableFuture<>();
    context.runOnContext(v -> made.complete(new UdfChannel(vertx, c, service)));
    channel = made.get(10, TimeUnit.SECONDS);
  }

  private boolean isReady() throws Exception {
    return isReadyCall().get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<Boolean> isReadyCall() {
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    context.runOnContext(v -> channel.isReady().onComplete(ar -> {
      if (ar.succeeded()) {
        ready.complete(ar.result());
      } else {
        ready.completeExceptionally(ar.cause());
      }
    }));
    return ready;
  }

  @Test
  void isReadyCallsTheServicesOwnMethodAndReadsReady(Vertx vertx) throws Exception {
    // ReadyResponse{ready: true} with an unknown field 2 before it, which is skipped
    byte[] body = {0, 0, 0, 0, 4, 0x10, 0x07, 0x08, 0x01};
    String address = serve(vertx, req -> req.end().onComplete(v -> okEnd(req.response(), body)));
    channel(vertx, address, UdfService.SOURCE);
    assertTrue(isReady());
    assertEquals(List.of("/source.v1.Source/IsReady"), paths);
  }

  @Test
  void aReadyResponseWithoutTheFieldIsNotReady(Vertx vertx) throws Exception {
    String address = serve(vertx, req -> req.end().onComplete(v -> okEnd(req.response(), new byte[5])));
    channel(vertx, address, UdfService.SOURCE_TRANSFORM);
    assertFalse(isReady());
    assertEquals(List.of("/sourcetransformer.v1.SourceTransform/IsReady"), paths);
  }

  @Test
  void aUdfThatNeverAnswersIsReadyIsNotReadyWithinTheCapNotTheCallTimeout(Vertx vertx) throws Exception {
    String address = serve(vertx, req -> { }); // takes the request, never answers (udf.timeout is 5 s here)
    channel(vertx, address, UdfService.SOURCE);
    ExecutionException e = assertThrows(ExecutionException.class, this::isReady);
    assertEquals("no answer to /source.v1.Source/IsReady within " + UdfChannel.IS_READY_TIMEOUT_CAP_MILLIS
        + " ms: hung or overloaded", e.getCause().getMessage(), "the call's timeout was the cap, not udf.timeout's 5 s");
  }

  @Test
  void anIsReadyAnswerReadAfterTheConnectionFailedIsDroppedNotThrownOnTheEventLoop(Vertx vertx) throws Exception {
    List<Throwable> unhandled = unhandled(vertx);
    connectRaw(vertx, UdfService.SOURCE);
    CompletableFuture<Boolean> call = isReadyCall();
    assertEquals(3, raw.nextRequest(10), () -> "IsReady: " + call);
    answerAfterTheConnectionFails(answer(3, READY_TRUE));
    ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    assertTrue(causes(failed.getCause()).stream().anyMatch(c -> c instanceof IOException),
        "the connection's failure failed the call (the case this test is about): " + causes(failed.getCause()));
    awaitTurn();
    assertEquals(List.of(), unhandled, "nothing thrown on the event loop (Vert.x would log it with its stack trace)");
  }

  @Test
  void aFinishedStreamsAnswerReadAfterTheConnectionFailedIsDroppedNotThrownOnTheEventLoop(Vertx vertx) throws Exception {
    List<Throwable> unhandled = unhandled(vertx);
    connectRaw(vertx, UdfService.SINK);
    Heard heard = new Heard();
    List<UdfStream<StringValue>> streams = new CopyOnWriteArrayList<>();
    context.runOnContext(v -> {
      UdfStream.Spec<StringValue> spec = UdfStream.Spec.protobuf(channel.method("SinkFn"), GrpcFrames.frame(SOT),
          StringValue.parser(), SOT::equals, "StringValue");
      UdfStream<StringValue> s = new UdfStream<>(channel, spec, context, true, heard);
      streams.add(s);
      s.open();
    });
    assertEquals(3, raw.nextStream(10), "the stream opened");
    context.runOnContext(v -> streams.get(0).finish()); // ends its side before the UDF answered (as on close)
    assertEquals(3, raw.nextRequest(10), "the stream's request side ended");
    CompletableFuture<Boolean> witness = isReadyCall();
    assertEquals(5, raw.nextRequest(10), () -> "IsReady: " + witness);
    answerAfterTheConnectionFails(answer(3, GrpcFrames.frame(SOT)), answer(5, READY_TRUE));
    assertThrows(ExecutionException.class, () -> witness.get(10, TimeUnit.SECONDS),
        "IsReady, answered after the stream, failed: the connection failed before the answers were read (the case this test is about)");
    awaitTurn();
    assertEquals(List.of(), unhandled, "nothing thrown on the event loop (Vert.x would log it with its stack trace)");
    assertFalse(heard.opened.isDone(), "a finished stream reports nothing");
  }

  /** What handlers throw on the event loop: Vert.x's handler for it (else it logs "Unhandled exception"). */
  private static List<Throwable> unhandled(Vertx vertx) {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    return unhandled;
  }

  /**
   * A channel to a {@link RawHttp2Server} whose stream 1 is answered in full, so the client has closed it.
   * Stream 1 connects through {@code open()}, without IsReady's 2 s cap: on a loaded machine the first
   * connection can take longer.
   */
  private void connectRaw(Vertx vertx, UdfService service) throws Exception {
    raw = new RawHttp2Server();
    channel(vertx, raw.address(), service, Duration.ofSeconds(30));
    CompletableFuture<Integer> first = new CompletableFuture<>();
    context.runOnContext(v -> channel.open(channel.method("Other"))
        .compose(req -> req.send(Buffer.buffer(new byte[GrpcFrames.PREFIX])))
        .compose(resp -> resp.body().map(body -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            first.complete(ar.result());
          } else {
            first.completeExceptionally(ar.cause());
          }
        }));
    assertEquals(1, raw.nextRequest(30), () -> "first call: " + first);
    assertEquals(1, raw.nextStream(0));
    raw.send(grpcHead(1), RawHttp2Server.frame(RawHttp2Server.DATA, 0, 1, READY_TRUE), grpcOk(1));
    assertEquals(200, first.get(10, TimeUnit.SECONDS));
  }

  /**
   * As a UDF resumed after SIGSTOP: in one write, an answer on a stream the client has closed (stream 1: the
   * client writes RST_STREAM at once) and then {@code answers}; then the connection is reset. The client's
   * event loop is held meanwhile, so it reads all of it in one go: its RST_STREAM write fails, the
   * connection's failure fails the calls still open, and their answers are read after that.
   */
  private void answerAfterTheConnectionFails(byte[]... answers) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    context.runOnContext(v -> {
      held.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(held.await(10, TimeUnit.SECONDS));
    try {
      byte[][] frames = new byte[answers.length + 1][];
      frames[0] = grpcHead(1);
      System.arraycopy(answers, 0, frames, 1, answers.length);
      raw.send(frames);
      raw.resetConnection();
      Thread.sleep(200); // the reset reaches the client's socket before its event loop reads
    } finally {
      release.countDown();
    }
  }

  /** A whole gRPC answer on {@code streamId}: head, {@code message}, status 0. */
  private static byte[] answer(int streamId, byte[] message) {
    byte[] data = RawHttp2Server.frame(RawHttp2Server.DATA, 0, streamId, message);
    byte[] head = grpcHead(streamId);
    byte[] ok = grpcOk(streamId);
    byte[] all = new byte[head.length + data.length + ok.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(data, 0, all, head.length, data.length);
    System.arraycopy(ok, 0, all, head.length + data.length, ok.length);
    return all;
  }

  /** Waits for a turn of the event loop after the current one (the one that read the late answer). */
  private void awaitTurn() throws Exception {
    CompletableFuture<Void> turn = new CompletableFuture<>();
    context.runOnContext(v -> turn.complete(null));
    turn.get(10, TimeUnit.SECONDS);
  }

  private static byte[] grpcHead(int streamId) {
    return RawHttp2Server.headers(streamId, false, ":status", "200", "content-type", "application/grpc");
  }

  private static byte[] grpcOk(int streamId) {
    return RawHttp2Server.headers(streamId, true, "grpc-status", "0");
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable c = t; c != null && all.size() < 10; c = c.getCause()) {
      all.add(c);
    }
    return all;
  }

  /** What a stream's owner heard. */
  private static final class Heard implements UdfStream.Events<StringValue> {
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final List<String> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<StreamEnd> ended = new CompletableFuture<>();

    @Override
    public void onOpen(UdfStream<StringValue> stream) {
      opened.complete(null);
      stream.send(GrpcFrames.frame(StringValue.of("request-1")));
    }

    @Override
    public void onResponse(UdfStream<StringValue> stream, StringValue response) {
      responses.add(response.getValue());
    }

    @Override
    public void onEnd(UdfStream<StringValue> stream, StreamEnd end) {
      ended.complete(end);
    }
  }

  private Heard openStream(Vertx vertx, String address) throws Exception {
    channel(vertx, address, UdfService.SINK);
    Heard heard = new Heard();
    context.runOnContext(v -> {
      UdfStream.Spec<StringValue> spec = UdfStream.Spec.protobuf(channel.method("SinkFn"), GrpcFrames.frame(SOT),
          StringValue.parser(), SOT::equals, "StringValue");
      new UdfStream<>(channel, spec, context, true, heard).open();
    });
    return heard;
  }

  /** A server that reads the stream's messages and answers each with {@code reply}. */
  private static void echo(HttpServerRequest req, java.util.function.Function<StringValue, byte[]> reply) {
    grpcHead(req.response());
    req.response().setChunked(true);
    GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "test", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        try {
          StringValue in = StringValue.parseFrom(message.getBytes());
          req.response().write(Buffer.buffer(reply.apply(in)));
          if (in.getValue().equals("request-1")) {
            req.response().putTrailer("grpc-status", "0").end();
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          req.response().reset();
        }
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        req.response().reset();
      }
    });
    req.handler(reader::feed);
  }

  @Test
  void aStreamOpensOnAnyMethodSendsItsHandshakeAndCarriesResponses(Vertx vertx) throws Exception {
    String address = serve(vertx, req -> echo(req, in -> GrpcFrames.frame(in.equals(SOT) ? SOT
        : StringValue.of("answer to " + in.getValue()))));
    Heard heard = openStream(vertx, address);
    heard.opened.get(10, TimeUnit.SECONDS);
    StreamEnd end = heard.ended.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("/sink.v1.Sink/SinkFn"), paths);
    assertEquals(List.of("answer to request-1"), heard.responses);
    assertEquals(StreamEnd.Kind.STATUS, end.kind(), end.toString());
    assertEquals(0, end.grpcStatus());
  }

  @Test
  void aFirstResponseThatDoesNotAnswerTheHandshakeIsAViolation(Vertx vertx) throws Exception {
    String address = serve(vertx, req -> echo(req, in -> GrpcFrames.frame(StringValue.of("hello"))));
    Heard heard = openStream(vertx, address);
    StreamEnd end = heard.ended.get(10, TimeUnit.SECONDS);
    assertEquals(StreamEnd.Kind.VIOLATION, end.kind(), end.toString());
    assertTrue(end.detail().contains("invalid handshake") && end.detail().contains("got {value: <5 chars>}"), end.detail());
    assertFalse(end.detail().contains("hello"), "the response's data stays out of the line: " + end.detail());
    assertFalse(heard.opened.isDone());
  }

  @Test
  void aResponseOverTheMaximumIsAViolationNamingTheKindsKey(Vertx vertx) throws Exception {
    String address = serve(vertx, req -> echo(req, in -> GrpcFrames.frame(StringValue.of("x".repeat(2000)))));
    Heard heard = openStream(vertx, address);
    StreamEnd end = heard.ended.get(10, TimeUnit.SECONDS);
    assertEquals(StreamEnd.Kind.VIOLATION, end.kind(), end.toString());
    assertTrue(end.detail().contains("exceeds sink.udsink.max-message-size 1024"), end.detail());
  }
}
