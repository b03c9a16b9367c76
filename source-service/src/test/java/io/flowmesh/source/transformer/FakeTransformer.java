package io.flowmesh.source.transformer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.udf.sourcetransformer.v1.Handshake;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformRequest;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformResponse;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code SourceTransformFn} server on plain HTTP/2 that misbehaves as told: {@link Fault#NONE}
 * answers each request with one result tagged {@code t} (its value and event time kept); with
 * {@link #split}, a value holding commas gets one result per part, and a value {@code drop} none.
 */
final class FakeTransformer {

  enum Fault {
    /** Proper answers. */
    NONE,
    /** The first response is a result, not the handshake's answer. */
    NO_HANDSHAKE,
    /** Each request is answered for an id that was never sent. */
    UNKNOWN_ID,
    /** Bytes that are no SourceTransformResponse. */
    GARBAGE,
    /** Fewer answers than requests: a request whose id ends in 3 is never answered, the others are. */
    FEWER
  }

  volatile Fault fault = Fault.NONE;
  volatile boolean split;
  final AtomicInteger streams = new AtomicInteger();
  private HttpServer server;

  String start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(this::serve);
    return "tcp://127.0.0.1:" + server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  private void serve(HttpServerRequest req) {
    if (!req.path().endsWith("/SourceTransformFn")) {
      req.response().setStatusCode(404).end();
      return;
    }
    streams.incrementAndGet();
    Fault f = fault;
    boolean splitting = split;
    HttpServerResponse resp = req.response().putHeader("content-type", "application/grpc").setChunked(true);
    GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "test", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        try {
          answer(f, splitting, resp, SourceTransformRequest.parseFrom(message.getBytes()));
        } catch (InvalidProtocolBufferException e) {
          resp.reset();
        }
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        resp.reset();
      }
    });
    req.handler(reader::feed);
  }

  private static void answer(Fault f, boolean split, HttpServerResponse resp, SourceTransformRequest r) {
    if (r.hasHandshake()) {
      if (f == Fault.NO_HANDSHAKE) {
        write(resp, SourceTransformResponse.newBuilder().setId("not-a-handshake").build());
      } else {
        write(resp, SourceTransformResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
      }
      return;
    }
    switch (f) {
      case UNKNOWN_ID -> write(resp, SourceTransformResponse.newBuilder().setId("never-sent").build());
      case GARBAGE -> resp.write(Buffer.buffer(new byte[] {0, 0, 0, 0, 6, 8, -1, -1, -1, -1, -1}));
      case FEWER -> {
        if (!r.getRequest().getId().endsWith("3")) {
          write(resp, answer(r));
        }
      }
      default -> write(resp, split ? splitAnswer(r) : answer(r));
    }
  }

  /** One result per comma-separated part of the value; none for the value {@code drop}. */
  private static SourceTransformResponse splitAnswer(SourceTransformRequest r) {
    SourceTransformResponse.Builder b = SourceTransformResponse.newBuilder().setId(r.getRequest().getId());
    String value = r.getRequest().getValue().toStringUtf8();
    if (!value.equals("drop")) {
      for (String part : value.split(",", -1)) {
        b.addResults(SourceTransformResponse.Result.newBuilder().setValue(com.google.protobuf.ByteString.copyFromUtf8(part))
            .setEventTime(r.getRequest().getEventTime()).addTags("t"));
      }
    }
    return b.build();
  }

  private static SourceTransformResponse answer(SourceTransformRequest r) {
    return SourceTransformResponse.newBuilder().setId(r.getRequest().getId())
        .addResults(SourceTransformResponse.Result.newBuilder().setValue(r.getRequest().getValue())
            .setEventTime(r.getRequest().getEventTime()).addTags("t"))
        .build();
  }

  private static void write(HttpServerResponse resp, SourceTransformResponse m) {
    resp.write(Buffer.buffer(GrpcFrames.frame(m)));
  }
}
