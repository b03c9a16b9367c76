package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static io.flowmesh.udf.MapFnCall.handshake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code MapFn} as bytes on an HTTP/2 stream, the way a client that coalesces its writes sends
 * it (map-service writes each turn's requests as one buffer): many requests per DATA frame,
 * requests cut by frame ends, and bodies that are not a valid message stream.
 */
@ExtendWith(VertxExtension.class)
class RawMapFnTest {

  private static final MapHandler CAT = d -> Future.succeededFuture(List.of(MapResult.passThrough(d)));

  private TestBed bed;
  private HttpClientAgent http;
  /**
   * Where every call is made. From the test's thread each request would get a context of its own,
   * on another event loop than the connection's; the response's future then completes as a task
   * there, after the connection's loop may already have read the body and ended the response (a
   * fast refusal comes in one read), and setting the handler throws.
   */
  private Context calls;

  @BeforeEach
  void start(Vertx vertx) {
    bed = new TestBed(vertx);
    calls = vertx.getOrCreateContext();
    http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterEach
  void stop() throws Exception {
    http.close().await(10, TimeUnit.SECONDS);
    bed.close();
  }

  /** What came back on one call: the answers in order, and the grpc-status and grpc-message. */
  private record Outcome(List<MapResponse> responses, String status, String message, boolean trailersOnly) {
  }

  /** Sends {@code body} as the whole request body of one MapFn call and reads the answer to its end. */
  private Outcome call(UdfServer server, Buffer body) throws Exception {
    return call(server, body, 0);
  }

  /**
   * As {@link #call(UdfServer, Buffer)}, but the client reads nothing of the answer for the first
   * {@code stallMillis}: the server's writes back up meanwhile.
   */
  private Outcome call(UdfServer server, Buffer body, long stallMillis) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(TestBed.address(server)).setURI("/map.v1.Map/MapFn")
        .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
    List<MapResponse> responses = new ArrayList<>();
    GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "test", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        try {
          responses.add(MapResponse.parseFrom(message.getBytes()));
        } catch (Exception e) {
          throw new AssertionError("an answer that is not a MapResponse", e);
        }
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        throw new AssertionError("the server's answer is not a gRPC message stream: " + detail);
      }
    });
    Promise<HttpClientResponse> answered = Promise.promise();
    calls.runOnContext(v -> http.request(options)
        .compose(request -> request.send(body))
        .compose(r -> {
          r.handler(reader::feed); // on the connection's loop as its headers are handled: before the body
          if (stallMillis > 0) {
            r.pause();
            bed.vertx().setTimer(stallMillis, t -> r.resume());
          }
          return r.end().map(r);
        })
        .onComplete(answered));
    HttpClientResponse response = answered.future().await(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    boolean trailersOnly = response.getHeader("grpc-status") != null;
    String status = trailersOnly ? response.getHeader("grpc-status") : response.getTrailer("grpc-status");
    String message = trailersOnly ? response.getHeader("grpc-message") : response.getTrailer("grpc-message");
    return new Outcome(responses, status, message, trailersOnly);
  }

  private static Buffer frames(int elements) {
    Buffer body = Buffer.buffer(GrpcFrames.frame(handshake()));
    for (int i = 0; i < elements; i++) {
      body.appendBytes(GrpcFrames.frame(element("e" + i, "value of element " + i + " ".repeat(400))));
    }
    return body;
  }

  @Test
  void everyRequestOfOneLargeWriteIsAnsweredOnceAndTheCallEndsOk() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    int n = 3_000;
    Outcome outcome = call(server, frames(n));

    assertEquals("0", outcome.status(), "grpc-status; message: " + outcome.message());
    assertTrue(!outcome.trailersOnly(), "the status came in trailers after the answers");
    assertEquals(n + 1, outcome.responses().size(), "the handshake's answer and one per element");
    assertTrue(outcome.responses().get(0).hasHandshake());
    Set<String> ids = new HashSet<>();
    for (MapResponse r : outcome.responses().subList(1, n + 1)) {
      assertTrue(ids.add(r.getId()), "answered twice: " + r.getId());
      int i = Integer.parseInt(r.getId().substring(1));
      assertEquals("value of element " + i + " ".repeat(400), r.getResults(0).getValue().toStringUtf8());
    }
    assertEquals(n, ids.size());
  }

  @Test
  void aCompressedMessageEndsTheCallWithInternalNamingTheFlag() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    byte[] compressed = GrpcFrames.frame(element("x", "v"));
    compressed[0] = 1;
    Outcome outcome = call(server, frames(2).appendBytes(compressed));

    assertEquals("13", outcome.status());
    assertTrue(outcome.message().contains("compressed flag 1"), outcome.message());
    assertEquals(3, outcome.responses().size(), "what came before the bad message was answered");
    assertEquals("0", call(server, frames(1)).status(), "the server still serves a new call");
  }

  @Test
  void aMessageOverTheServersLimitIsRefusedFromItsPrefixWithResourceExhausted() throws Exception {
    UdfServer server = bed.started(UdfServer.create(bed.vertx(),
        UdfServerOptions.of("tcp://127.0.0.1:0").withMaxMessageSize(1024)).handler(CAT));
    Buffer body = Buffer.buffer(GrpcFrames.frame(handshake()))
        .appendBytes(new byte[] {0, 0, 1, 0, 0}); // a prefix announcing 65,536 bytes, none of them sent

    Outcome outcome = call(server, body);

    assertEquals("8", outcome.status());
    assertTrue(outcome.message().contains("65536 bytes") && outcome.message().contains("maxMessageSize of 1024"),
        outcome.message());
  }

  @Test
  void bytesThatAreNotAMapRequestEndTheCallWithInvalidArgument() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    Buffer body = Buffer.buffer(GrpcFrames.frame(handshake()))
        .appendBytes(new byte[] {0, 0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff});

    Outcome outcome = call(server, body);

    assertEquals("3", outcome.status());
    assertTrue(outcome.message().contains("not a map.v1 MapRequest"), outcome.message());
  }

  @Test
  void aBodyEndingInsideAMessageEndsTheCallWithInternal() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    byte[] whole = GrpcFrames.frame(element("cut", "v"));
    Buffer body = frames(1).appendBytes(whole, 0, whole.length - 1);

    Outcome outcome = call(server, body);

    assertEquals("13", outcome.status());
    assertTrue(outcome.message().contains("ended inside a message"), outcome.message());
  }

  @Test
  void aBadFirstMessageIsRefusedWithTheStatusInTheOnlyHeadersFrame() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);

    Outcome outcome = call(server, Buffer.buffer(new byte[] {0, 0, 0, 0, 2, (byte) 0xff, (byte) 0xff}));

    assertTrue(outcome.trailersOnly(), "nothing was written, so the status is in the response headers");
    assertEquals("3", outcome.status());
    assertEquals(0, outcome.responses().size());
  }

  @Test
  void aClientThatStopsReadingHoldsTheServerBackAndGetsEveryAnswerOnceItReadsAgain() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    int n = 1_500;
    Buffer body = Buffer.buffer(GrpcFrames.frame(handshake()));
    String big = "x".repeat(8_000);
    for (int i = 0; i < n; i++) {
      body.appendBytes(GrpcFrames.frame(element("e" + i, big + i)));
    }

    // 12 MB of answers against the client's HTTP/2 receive window: the server's queue fills, it
    // stops reading requests and holds those already parsed, then carries on once the client reads.
    Outcome outcome = call(server, body, 1_000);

    assertEquals("0", outcome.status(), "grpc-status; message: " + outcome.message());
    assertEquals(n + 1, outcome.responses().size());
    for (int i = 1; i <= n; i++) {
      MapResponse r = outcome.responses().get(i);
      assertEquals(big + r.getId().substring(1), r.getResults(0).getValue().toStringUtf8());
    }
  }
}
