package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP source in-JVM, with no subscriber (so nothing leaves its buffer of 5 messages). */
class IngestHttpTest {

  private static final String TOKEN = "s3cret";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Launched source;

  @BeforeEach
  void start() throws Exception {
    source = new SourceMain().launch(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=0",
        "--source.queue-capacity=5", "--source.http.token=" + TOKEN, "--source.http.max-body-bytes=1KiB",
        "--vertx.event-loops=2"}, Map.of());
  }

  @AfterEach
  void stop() {
    OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
  }

  private HttpResponse<String> post(String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/ingest"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postAuthorized(String contentType, String body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + TOKEN;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post(contentType, body, all);
  }

  private int queued() {
    return status().getJsonObject("edge").getInteger("queued");
  }

  private JsonObject status() {
    Future<JsonObject> f = source.vertex().status();
    return OnLoop.await(f, 10_000);
  }

  private double rejected(String reason) {
    return source.registry().get("flowmesh.source.http.rejected").tag("reason", reason).counter().count();
  }

  @Test
  void aSingleMessageIsAcceptedWith202IntoTheBuffer() throws Exception {
    HttpResponse<String> r = postAuthorized("text/plain", "hello", "X-Flowmesh-Keys", "a,b",
        "X-Flowmesh-Event-Time", "2024-05-01T12:00:00Z");
    assertEquals(202, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(1, body.getInteger("accepted"));
    assertTrue(body.getString("last_id").endsWith("-0"), r.body());
    assertEquals(1, queued());
    assertEquals(1, status().getLong("accepted"));
  }

  @Test
  void anNdjsonBatchIsAcceptedWholeWith202() throws Exception {
    HttpResponse<String> r = postAuthorized("application/x-ndjson; charset=utf-8",
        "{\"value\":\"a\"}\n{\"value\":\"b\",\"keys\":[\"k\"]}\n{\"value_base64\":\"AA==\",\"event_time\":5}\n");
    assertEquals(202, r.statusCode(), r.body());
    assertEquals(3, new JsonObject(r.body()).getInteger("accepted"));
    assertEquals(3, queued());
  }

  @Test
  void aFullBufferAnswers429WithRetryAfterAndTakesNoPartOfAnNdjsonBatch() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertEquals(202, postAuthorized(null, "m" + i).statusCode());
    }
    HttpResponse<String> r = postAuthorized("application/x-ndjson", "{\"value\":\"x\"}\n{\"value\":\"y\"}");
    assertEquals(429, r.statusCode(), r.body());
    assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
    assertEquals("full", new JsonObject(r.body()).getString("error"));
    assertEquals(4, queued(), "nothing of the refused batch was taken");
    assertEquals(202, postAuthorized("application/octet-stream", "last").statusCode());
    assertEquals(429, postAuthorized("application/octet-stream", "one too many").statusCode());
    assertEquals(5, queued());
    assertEquals(2.0, rejected("full"));
  }

  @Test
  void aBadHeaderOrBodyAnswers400WithAJsonReason() throws Exception {
    HttpResponse<String> r = postAuthorized("text/plain", "v", "X-Flowmesh-Event-Time", "last tuesday");
    assertEquals(400, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals("bad_request", body.getString("error"));
    assertTrue(body.getString("reason").contains("X-Flowmesh-Event-Time"), r.body());
    r = postAuthorized("application/x-ndjson", "{\"value\":\"ok\"}\n[1,2]\n");
    assertEquals(400, r.statusCode());
    assertTrue(new JsonObject(r.body()).getString("reason").startsWith("line 2"), r.body());
    assertEquals(0, queued());
    assertEquals(2.0, rejected("bad_request"));
  }

  @Test
  void aBodyOverTheLimitAnswers413() throws Exception {
    HttpResponse<String> r = postAuthorized("text/plain", "x".repeat(2048));
    assertEquals(413, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals("too_large", body.getString("error"));
    assertTrue(body.getString("reason").contains("source.http.max-body-bytes"), r.body());
    r = postAuthorized("application/x-ndjson", "{\"value\":\"a\"}\n".repeat(6));
    assertEquals(413, r.statusCode(), "six messages can never fit a buffer of five");
    assertEquals(0, queued());
  }

  @Test
  void noTokenOrAWrongTokenAnswers401() throws Exception {
    HttpResponse<String> r = post("text/plain", "v");
    assertEquals(401, r.statusCode());
    assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
    assertEquals("unauthorized", new JsonObject(r.body()).getString("error"));
    assertEquals(401, post("text/plain", "v", "Authorization", "Bearer wrong").statusCode());
    assertEquals(0, queued());
    assertEquals(2.0, rejected("unauthorized"));
  }

  @Test
  void anUnsupportedContentTypeAnswers415() throws Exception {
    HttpResponse<String> r = postAuthorized("multipart/form-data; boundary=x", "--x--");
    assertEquals(415, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals("unsupported_media_type", body.getString("error"));
    assertTrue(body.getString("reason").contains("application/x-ndjson"), r.body());
  }

  @Test
  void aStoppingSourceAnswers503AndIsNotReady() throws Exception {
    assertEquals(202, postAuthorized("text/plain", "held").statusCode());
    Future<Void> stopping = source.vertex().stop(Duration.ofSeconds(3));
    OnLoop.until(() -> !OnLoop.await(source.vertex().readiness(), 5000).ready(), 5000, () -> "not ready while stopping");
    HttpResponse<String> r = postAuthorized("text/plain", "late");
    assertEquals(503, r.statusCode(), r.body());
    assertEquals("stopping", new JsonObject(r.body()).getString("error"));
    OnLoop.await(stopping, 10_000);
  }

  @Test
  void theEdgePortIsReportedWhenBoundToAnyFreePort() {
    int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
    assertTrue(port > 0);
    assertEquals(port, status().getInteger("edgePort"));
  }
}
