package io.flowmesh.runtime.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A hostile peer: declares one huge gRPC message on {@code Subscribe} and streams its body for as
 * long as the server lets it, whatever the server answers, within HTTP/2 flow control. Reports
 * what the server answered and how many body bytes it got to send.
 */
final class OversizedFramePeer {

  /** What one attempt came to. */
  record Outcome(String grpcStatus, String grpcMessage, boolean reset, long bodyBytesSent) {
  }

  private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);

  private final HttpClient client;
  /** What went wrong with the connection itself. */
  final java.util.List<String> connectionErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

  OversizedFramePeer(Vertx vertx) {
    this.client = vertx.httpClientBuilder().with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)).withConnectHandler(c -> c.exceptionHandler(e -> connectionErrors.add(e.toString()))
        .goAwayHandler(g -> connectionErrors.add("GOAWAY " + g.getErrorCode() + " " + g.getDebugData()))).build();
  }

  /**
   * Declares a message of {@code declared} bytes and sends its body, ignoring any answer, until the
   * server resets the stream or the whole body is out; call on an event loop.
   */
  Future<Outcome> send(int port, long declared) {
    Promise<Outcome> done = Promise.promise();
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/flowmesh.edge.v1.Edge/Subscribe").putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .onFailure(done::tryFail)
        .onSuccess(req -> {
          long[] sent = {0};
          String[] status = new String[2];
          boolean[] reset = {false};
          Runnable finish = () -> done.tryComplete(new Outcome(status[0], status[1], reset[0], sent[0]));
          req.exceptionHandler(e -> {
            reset[0] = e instanceof StreamResetException;
            finish.run();
          });
          req.response().onSuccess(resp -> {
            resp.handler(b -> { });
            resp.exceptionHandler(e -> {
              reset[0] |= e instanceof StreamResetException;
              finish.run();
            });
            resp.endHandler(v -> {
              status[0] = resp.getTrailer("grpc-status") != null ? resp.getTrailer("grpc-status") : resp.getHeader("grpc-status");
              String message = resp.getTrailer("grpc-message") != null ? resp.getTrailer("grpc-message") : resp.getHeader("grpc-message");
              status[1] = message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8);
              if (sent[0] >= declared) {
                finish.run();
              }
            });
          });
          req.setChunked(true);
          req.write(Buffer.buffer(5).appendByte((byte) 0).appendUnsignedInt(declared));
          Runnable pump = new Runnable() {
            @Override
            public void run() {
              while (!done.future().isComplete() && sent[0] < declared && !req.writeQueueFull()) {
                int n = (int) Math.min(CHUNK.length(), declared - sent[0]);
                req.write(n == CHUNK.length() ? CHUNK : CHUNK.slice(0, n));
                sent[0] += n;
              }
              if (done.future().isComplete()) {
                return;
              }
              if (sent[0] < declared) {
                req.drainHandler(v -> run());
              } else {
                req.end();
                if (status[0] != null) {
                  finish.run();
                }
              }
            }
          };
          pump.run();
        });
    return done.future();
  }

  Future<Void> close() {
    return client.close();
  }
}
