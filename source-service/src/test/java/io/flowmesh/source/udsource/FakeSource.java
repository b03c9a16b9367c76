package io.flowmesh.source.udsource;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.udf.source.v1.AckRequest;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Handshake;
import io.flowmesh.proto.udf.source.v1.NackRequest;
import io.flowmesh.proto.udf.source.v1.NackResponse;
import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.proto.udf.source.v1.PartitionsResponse;
import io.flowmesh.proto.udf.source.v1.PendingResponse;
import io.flowmesh.proto.udf.source.v1.ReadRequest;
import io.flowmesh.proto.udf.source.v1.ReadResponse;
import io.flowmesh.proto.udf.source.v1.ReadyResponse;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A well-behaved {@code source.v1} server on plain HTTP/2 (the current proto, with {@code NackFn}):
 * records {@code v-0} ... {@code v-<n-1>}, record {@code i} in partition {@code i % 2} at offset
 * {@code o-<i>}. It remembers every offset it sent, was acked and was nacked, and how each
 * {@code NackRequest} was shaped. With {@code nackImplemented=false} it answers {@code NackFn} as
 * the Java SDK 0.9.2 does: grpc-status 12 (UNIMPLEMENTED).
 */
public final class FakeSource {

  public final List<Offset> sent = new CopyOnWriteArrayList<>();
  public final List<Offset> acked = new CopyOnWriteArrayList<>();
  public final List<Offset> nacked = new CopyOnWriteArrayList<>();
  /** Offsets per {@code NackRequest.Request}, over every call. */
  final List<Integer> offsetsPerNackRequest = new CopyOnWriteArrayList<>();
  final AtomicInteger nackCalls = new AtomicInteger();
  private final int records;
  private final boolean nackImplemented;
  private int next;
  private HttpServer server;

  public FakeSource(int records, boolean nackImplemented) {
    this.records = records;
    this.nackImplemented = nackImplemented;
  }

  public static Offset offset(int i) {
    return Offset.newBuilder().setOffset(ByteString.copyFromUtf8("o-" + i)).setPartitionId(i % 2).build();
  }

  public String start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)).requestHandler(this::serve);
    return "tcp://127.0.0.1:" + server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  public void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void serve(HttpServerRequest req) {
    String path = req.path();
    HttpServerResponse resp = req.response().putHeader("content-type", "application/grpc");
    if (path.endsWith("/ReadFn") || path.endsWith("/AckFn")) {
      boolean read = path.endsWith("/ReadFn");
      resp.setChunked(true);
      resp.exceptionHandler(t -> { });
      GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "test", new GrpcFrameReader.Sink() {
        @Override
        public boolean onMessage(Buffer message) {
          try {
            if (read) {
              onRead(resp, ReadRequest.parseFrom(message.getBytes()));
            } else {
              onAck(resp, AckRequest.parseFrom(message.getBytes()));
            }
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
      return;
    }
    req.body().onSuccess(body -> {
      if (path.endsWith("/NackFn")) {
        onNack(resp, body);
      } else if (path.endsWith("/IsReady")) {
        unary(resp, ReadyResponse.newBuilder().setReady(true).build().toByteArray());
      } else if (path.endsWith("/PendingFn")) {
        unary(resp, PendingResponse.newBuilder().setResult(PendingResponse.Result.newBuilder().setCount(pending())).build().toByteArray());
      } else if (path.endsWith("/PartitionsFn")) {
        unary(resp, PartitionsResponse.newBuilder().setResult(PartitionsResponse.Result.newBuilder().addPartitions(0).addPartitions(1))
            .build().toByteArray());
      } else {
        resp.putHeader("grpc-status", "12").end();
      }
    });
  }

  private synchronized long pending() {
    return records - next;
  }

  private synchronized void onRead(HttpServerResponse resp, ReadRequest r) {
    if (r.hasHandshake()) {
      write(resp, ReadResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build().toByteArray());
      return;
    }
    long n = r.getRequest().getNumRecords();
    for (long k = 0; k < n && next < records; k++, next++) {
      Offset o = offset(next);
      sent.add(o);
      write(resp, ReadResponse.newBuilder().setResult(ReadResponse.Result.newBuilder()
          .setPayload(ByteString.copyFromUtf8("v-" + next)).setOffset(o)).build().toByteArray());
    }
    write(resp, ReadResponse.newBuilder().setStatus(ReadResponse.Status.newBuilder().setEot(true)).build().toByteArray());
  }

  private void onAck(HttpServerResponse resp, AckRequest r) {
    if (r.hasHandshake()) {
      write(resp, AckResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build().toByteArray());
      return;
    }
    acked.addAll(r.getRequest().getOffsetsList());
    write(resp, AckResponse.newBuilder().setResult(AckResponse.Result.newBuilder().setSuccess(Empty.getDefaultInstance()))
        .build().toByteArray());
  }

  private void onNack(HttpServerResponse resp, Buffer body) {
    nackCalls.incrementAndGet();
    if (!nackImplemented) {
      resp.putHeader("grpc-status", "12").putHeader("grpc-message", "Method not found: source.v1.Source/NackFn").end();
      return;
    }
    try {
      NackRequest r = NackRequest.parseFrom(body.getBytes(GrpcFrames.PREFIX, body.length()));
      for (NackRequest.Request one : r.getRequestList()) {
        offsetsPerNackRequest.add(one.getOffsetsCount());
        nacked.addAll(one.getOffsetsList());
      }
      unary(resp, NackResponse.newBuilder().setResult(NackResponse.Result.newBuilder().setSuccess(Empty.getDefaultInstance()))
          .build().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      resp.putHeader("grpc-status", "3").end();
    }
  }

  private static void unary(HttpServerResponse resp, byte[] message) {
    resp.putTrailer("grpc-status", "0");
    resp.end(Buffer.buffer(frame(message)));
  }

  private static void write(HttpServerResponse resp, byte[] message) {
    resp.write(Buffer.buffer(frame(message)));
  }

  private static byte[] frame(byte[] message) {
    byte[] f = new byte[GrpcFrames.PREFIX + message.length];
    GrpcFrames.writePrefix(f, message.length);
    System.arraycopy(message, 0, f, GrpcFrames.PREFIX, message.length);
    return f;
  }
}
