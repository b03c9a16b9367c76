package io.flowmesh.source.udsource;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.flowmesh.runtime.udf.GrpcStatusHeaders;
import io.flowmesh.runtime.udf.UdfChannel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;

/**
 * A unary call with an empty request ({@code PendingFn}, {@code PartitionsFn}) on a
 * {@link UdfChannel}: one frame out, one frame and a grpc-status in. Rare (every poll interval),
 * so it favours plainness over allocation.
 *
 * <h2>Concurrency</h2>
 * Immutable; call on the channel's event loop.
 */
final class UnaryCall<R> {

  private static final Buffer EMPTY = Buffer.buffer(new byte[GrpcFrames.PREFIX]);

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

  Future<R> call() {
    return channel.open(method).compose(req -> req.send(EMPTY)).compose(resp -> resp.body().compose(body -> parse(resp, body)));
  }

  private Future<R> parse(HttpClientResponse resp, Buffer body) {
    String status = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
    if (!"0".equals(status)) {
      return Future.failedFuture(name + " answered grpc-status " + status + " "
          + GrpcStatusHeaders.message(resp.headers(), resp.trailers()));
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
