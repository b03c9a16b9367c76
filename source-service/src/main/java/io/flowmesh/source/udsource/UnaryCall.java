package io.flowmesh.source.udsource;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.flowmesh.runtime.udf.UdfChannel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;

/**
 * A unary call ({@code PendingFn}, {@code PartitionsFn} with an empty request, {@code NackFn}) on
 * a {@link UdfChannel}: one frame out, one frame and a grpc-status in. Rare (every poll interval,
 * or once at close), so it favours plainness over allocation.
 *
 * <h2>Concurrency</h2>
 * Immutable; call on the channel's event loop.
 */
final class UnaryCall<R> {

  /** gRPC UNIMPLEMENTED: the server has no such method (SDK 0.9.2's source has no {@code NackFn}). */
  static final int UNIMPLEMENTED = 12;
  private static final Buffer EMPTY = Buffer.buffer(new byte[GrpcFrames.PREFIX]);

  /** The call ended with a grpc-status other than OK. */
  static final class StatusException extends RuntimeException {
    private final int code;

    StatusException(String method, int code, String message) {
      super(method + " answered grpc-status " + code + (message == null || message.isEmpty() ? "" : " " + message), null, false, false);
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  private final UdfChannel channel;
  private final RequestOptions method;
  private final String name;
  private final Parser<R> parser;

  UnaryCall(UdfChannel channel, String method, Parser<R> parser, long timeoutMillis) {
    this.channel = channel;
    this.method = channel.method(method).setTimeout(timeoutMillis);
    this.name = method;
    this.parser = parser;
  }

  /** Calls with an empty request ({@code google.protobuf.Empty}). */
  Future<R> call() {
    return send(EMPTY);
  }

  /** Calls with {@code request}; fails with a {@link StatusException} for a grpc-status other than OK. */
  Future<R> call(MessageLite request) {
    return send(Buffer.buffer(GrpcFrames.frame(request)));
  }

  private Future<R> send(Buffer frame) {
    return channel.open(method).compose(req -> UdfChannel.sendUnary(req, frame)).compose(resp -> resp.body().compose(body -> parse(resp, body)));
  }

  private Future<R> parse(HttpClientResponse resp, Buffer body) {
    String status = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
    if (!"0".equals(status)) {
      int code;
      try {
        code = status == null ? -1 : Integer.parseInt(status.trim());
      } catch (NumberFormatException e) {
        code = -1;
      }
      return Future.failedFuture(code < 0
          ? new IllegalStateException(name + " answered grpc-status '" + status + "' (HTTP " + resp.statusCode() + ")")
          : new StatusException(name, code, GrpcStatusHeaders.message(resp.headers(), resp.trailers())));
    }
    if (body.length() < GrpcFrames.PREFIX || body.getUnsignedByte(0) != 0
        || body.getInt(1) != body.length() - GrpcFrames.PREFIX) {
      return Future.failedFuture(name + " answered " + body.length() + " bytes that are not one uncompressed gRPC message");
    }
    try {
      return Future.succeededFuture(parser.parseFrom(body.getBytes(GrpcFrames.PREFIX, body.length())));
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(name + " answered an undecodable response: " + e.getMessage());
    }
  }
}
