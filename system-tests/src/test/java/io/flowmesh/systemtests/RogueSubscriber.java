package io.flowmesh.systemtests;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A stranger's {@code Subscribe} on an edge, spoken as raw gRPC over HTTP/2 (what a short script
 * would do, without Flowmesh's code): it says hello as some vertex with plenty of credit, takes
 * whatever comes, and reports how the stream ended. {@link #close()} stops its Vert.x.
 */
final class RogueSubscriber implements AutoCloseable {

  private static final String PATH = "/flowmesh.edge.v1.Edge/Subscribe";

  /** How the stream ended: the gRPC status code (-1: none), its message, and the payload bytes received. */
  record Outcome(int status, String message, long bytesReceived) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
      .setHttp2ClearTextUpgrade(false));

  /**
   * Subscribes to the edge on 127.0.0.1:{@code port} as {@code vertex}, presenting {@code token}
   * (null: none); waits up to 30 s for the stream to end.
   */
  Outcome subscribe(int port, String token, String vertex) {
    try {
      long[] received = new long[1];
      Future<Outcome> outcome = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(port).setURI(PATH)).compose(req -> {
            req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
            if (token != null) {
              req.putHeader("authorization", "Bearer " + token);
            }
            req.setChunked(true);
            req.write(Buffer.buffer(frame(hello("rogue-1", vertex, 1_000_000))));
            return req.response().compose(resp -> {
              resp.handler(b -> received[0] += b.length());
              return resp.end().map(v -> outcome(resp.headers(), resp.trailers(), received[0]))
                  .onComplete(ar -> req.reset());
            });
          });
      return outcome.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the rogue's stream on port " + port + " did not end within 30 s: " + e, e);
    }
  }

  @Override
  public void close() {
    vertx.close();
  }

  private static Outcome outcome(MultiMap headers, MultiMap trailers, long bytes) {
    // A refusal before any message is a "trailers-only" response: the status is in the headers.
    String status = trailers.get("grpc-status") != null ? trailers.get("grpc-status") : headers.get("grpc-status");
    String message = trailers.get("grpc-message") != null ? trailers.get("grpc-message") : headers.get("grpc-message");
    return new Outcome(status == null ? -1 : Integer.parseInt(status),
        message == null ? "" : URLDecoder.decode(message.replace("+", "%2B"), StandardCharsets.UTF_8), bytes);
  }

  /** A gRPC message: not compressed, a 4-byte big-endian length, the protobuf bytes. */
  private static byte[] frame(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(message.length >>> 24);
    out.write(message.length >>> 16);
    out.write(message.length >>> 8);
    out.write(message.length);
    out.writeBytes(message);
    return out.toByteArray();
  }

  /** SubscriberFrame{hello = Hello{subscriber_id, vertex, protocol_version = 1, initial_credit}}, encoded by hand. */
  private static byte[] hello(String id, String vertex, long credit) {
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    string(hello, 1, id);
    string(hello, 2, vertex);
    hello.write(3 << 3);
    varint(hello, 1);
    hello.write(4 << 3);
    varint(hello, credit);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(1 << 3 | 2);
    varint(frame, hello.size());
    frame.writeBytes(hello.toByteArray());
    return frame.toByteArray();
  }

  private static void string(ByteArrayOutputStream out, int field, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.write(field << 3 | 2);
    varint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
