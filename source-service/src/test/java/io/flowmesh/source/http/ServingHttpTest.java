package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.ReplyFailures;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.source.SourceMain;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The serving endpoints in-JVM with no subscriber, so a request waits until its timeout or until its
 * client goes: the timeout bound against {@code http.idle-timeout}, the freed slot of a client that
 * disconnects, and the SSE heartbeat.
 */
class ServingHttpTest {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Launched source;

  private void start(String... extra) throws Exception {
    String[] base = {"--source.type=http", "--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=2"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    source = new SourceMain().launch(args, Map.of());
  }

  @AfterEach
  void stop() {
    if (source != null) {
      OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
    }
  }

  private HttpResponse<String> post(String path) throws Exception {
    return post(path, "v");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + path))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int pending() {
    JsonObject status = OnLoop.await(source.vertex().status(), 10_000);
    return status.getJsonObject("serving").getInteger("pending");
  }

  private double gone(String mode) {
    return source.registry().get("flowmesh.source.serving.requests").tag("mode", mode).tag("outcome", "gone").counter().count();
  }

  @Test
  void aTimeoutOverTheMaxIsRefusedWith400NamingTheMaxAndTheIdleTimeout() throws Exception {
    start("--http.idle-timeout=3s", "--source.serving.timeout=1s", "--source.serving.max-timeout=2s");
    for (String path : List.of("/v1/process/sync?timeout=3s", "/ingest?wait=acked&timeout=2500ms")) {
      HttpResponse<String> r = post(path);
      assertEquals(400, r.statusCode(), path + ": " + r.body());
      String reason = new JsonObject(r.body()).getString("reason");
      assertTrue(reason.contains("over max 2000ms") && reason.contains("source.serving.max-timeout")
          && reason.contains("http.idle-timeout=3000ms"), reason);
    }
    assertEquals(0, pending());
  }

  @Test
  void requestsWithTheirOwnTimeoutsGet504EachNotBeforeItsTimeoutShortestFirst() throws Exception {
    start("--http.idle-timeout=10s", "--source.serving.timeout=5s", "--source.serving.max-timeout=8s");
    // No subscriber: nothing is answered, each waits for its own timeout. Sent together, longest first.
    String[] paths = {"/v1/process/sync?timeout=2500ms", "/ingest?wait=acked&timeout=1500ms", "/v1/process/sync?timeout=400ms"};
    long[] timeouts = {2500, 1500, 400};
    long[] done = new long[paths.length];
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < paths.length; i++) {
      int k = i;
      sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + paths[i]))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, t) -> done[k] = System.nanoTime()));
    }
    for (int i = 0; i < paths.length; i++) {
      HttpResponse<String> r = sent.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(504, r.statusCode(), paths[i] + ": " + r.body());
      JsonObject j = new JsonObject(r.body());
      assertEquals("timeout", j.getString("error"), r.body());
      assertEquals(timeouts[i], j.getLong("timeout_ms"), r.body());
      assertTrue(done[i] - start >= Duration.ofMillis(timeouts[i]).toNanos(),
          paths[i] + " answered after " + (done[i] - start) / 1_000_000 + " ms, before its timeout");
    }
    assertTrue(done[2] < done[1] && done[1] < done[0], "the shortest timeout answered first");
    assertEquals(0, pending());
    assertEquals(2.0, source.registry().get("flowmesh.source.serving.requests").tag("mode", "sync").tag("outcome", "timeout")
        .counter().count());
  }

  @Test
  void aClientThatDisconnectsWhileWaitingFreesItsSlotAtOnce() throws Exception {
    start("--http.idle-timeout=120s", "--source.serving.timeout=100s", "--source.serving.max-timeout=110s");
    for (String[] pathMode : new String[][] {{"/v1/process/sync", "sync"}, {"/ingest?wait=acked", "acked"}}) {
      try (Socket s = new Socket("127.0.0.1", source.httpPort())) {
        OutputStream out = s.getOutputStream();
        out.write(("POST " + pathMode[0] + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        OnLoop.until(() -> pending() == 1, 10_000, () -> pathMode[0] + " waiting");
      }
      // Its 100 s timeout is far off: only the disconnect can free the slot within the wait.
      OnLoop.until(() -> pending() == 0, 10_000, () -> pathMode[0] + ": the slot freed after the client went, pending="
          + pending());
      assertEquals(1.0, gone(pathMode[1]), pathMode[1]);
    }
  }

  @Test
  void anSseStreamQuieterThanTheIdleTimeoutGetsCommentsAndStaysOpen() throws Exception {
    start("--http.idle-timeout=1s", "--source.serving.timeout=500ms", "--source.serving.max-timeout=900ms");
    try (Socket s = new Socket("127.0.0.1", source.httpPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /v1/process/sse HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      long start = System.nanoTime();
      int beats = 0;
      // Four heartbeats at idle/2 span more than the 1 s idle timeout: without them the server closes the stream.
      while (beats < 4) {
        String line = in.readLine();
        assertTrue(line != null, "the stream was closed after " + beats + " heartbeat(s)");
        if (line.equals(":")) {
          beats++;
        }
      }
      assertTrue(System.nanoTime() - start > Duration.ofSeconds(1).toNanos(), "four heartbeats came within the idle timeout");
    }
  }

  @Test
  void aRequestThatFailedOnItsWayIsAnswered502WithTheReasonAndAFilteredOneStays200Empty() throws Exception {
    int edgePort = PortFinder.freePort();
    start("--source.edge.port=" + edgePort, "--source.edge.allowed-subscribers=sink");
    try (TestSink sink = new TestSink(edgePort, false, m -> switch (m.getValue().toStringUtf8()) {
      case "fail" -> ReplyFailures.of(m.getId(), "out", "the sink write failed and it was dropped (sink.on-failure=drop): disk full");
      case "filtered" -> List.of();
      default -> List.of(ReplyOutput.newBuilder().setId(m.getId()).setVertex("out").setValue(m.getValue()).build());
    })) {
      HttpResponse<String> failed = post("/v1/process/sync", "fail");
      assertEquals(502, failed.statusCode(), failed.body());
      JsonObject f = new JsonObject(failed.body());
      assertEquals("failed", f.getString("status"), failed.body());
      assertTrue(f.getString("reason").contains("failed on its way at vertex out") && f.getString("reason").endsWith("disk full"),
          f.getString("reason"));
      HttpResponse<String> filtered = post("/v1/process/sync", "filtered");
      assertEquals(200, filtered.statusCode(), filtered.body());
      assertEquals(0, new JsonObject(filtered.body()).getJsonArray("outputs").size(), filtered.body());
      HttpResponse<String> ok = post("/v1/process/sync", "ok");
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("answered", new JsonObject(ok.body()).getString("status"), ok.body());
      assertEquals(3, sink.byId.size(), "each request reached the sink: " + sink.byId.keySet());
      assertEquals(0, sink.duplicates.get(), "and once");
    }
  }

  @Test
  void anExpiredAsyncAnswerIsEvictedOnATimerWithoutAnotherAnswerOrFetch() throws Exception {
    int edgePort = PortFinder.freePort();
    start("--source.edge.port=" + edgePort, "--source.edge.allowed-subscribers=sink", "--source.serving.result-retention=3s");
    try (TestSink sink = new TestSink(edgePort, false, m -> List.of())) {
      HttpResponse<String> r = post("/v1/process/async", "x");
      assertEquals(202, r.statusCode(), r.body());
      String id = new JsonObject(r.body()).getString("id");
      OnLoop.until(() -> answered("async") == 1.0, 10_000, () -> "answered=" + answered("async"));
      assertEquals(1, results(), "the answer is held until its retention ends");
      OnLoop.until(() -> results() == 0, 15_000, () -> "results held=" + results());
      HttpResponse<String> fetched = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort()
          + "/v1/process/fetch?id=" + id)).timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, fetched.statusCode(), "an evicted answer is gone: " + fetched.body());
      assertEquals(java.util.Set.of(id), sink.byId.keySet(), "the request reached the sink");
    }
  }

  @Test
  void asyncAnswersAreEvictedOldestFirstByBytesAndOneOverTheBudgetIsKeptAs507() throws Exception {
    int edgePort = PortFinder.freePort();
    // Each answer holds one 1,000-byte value (plus its id and vertex): two fit in 2,500 bytes, three do not.
    start("--source.edge.port=" + edgePort, "--source.edge.allowed-subscribers=sink", "--source.serving.max-result-bytes=2500");
    try (TestSink sink = new TestSink(edgePort, false,
        m -> List.of(ReplyOutput.newBuilder().setId(m.getId()).setVertex("out").setValue(m.getValue()).build()))) {
      String[] ids = new String[3];
      for (int i = 0; i < ids.length; i++) {
        HttpResponse<String> r = post("/v1/process/async", String.valueOf((char) ('a' + i)).repeat(1000));
        assertEquals(202, r.statusCode(), r.body());
        ids[i] = new JsonObject(r.body()).getString("id");
        int answered = i + 1;
        OnLoop.until(() -> answered("async") == answered, 10_000, () -> "answered=" + answered("async"));
        assertEquals(200, fetch(ids[i]).statusCode(), "answer " + i + " is held once it came");
      }
      assertEquals(2, results(), "the third answer pushed the oldest out");
      HttpResponse<String> evicted = fetch(ids[0]);
      assertEquals(404, evicted.statusCode(), "the oldest answer was evicted by bytes: " + evicted.body());
      for (int i = 1; i < 3; i++) {
        HttpResponse<String> kept = fetch(ids[i]);
        assertEquals(200, kept.statusCode(), kept.body());
        String value = new String(java.util.Base64.getDecoder().decode(
            new JsonObject(kept.body()).getJsonArray("outputs").getJsonObject(0).getString("value")), StandardCharsets.UTF_8);
        assertEquals(String.valueOf((char) ('a' + i)).repeat(1000), value, "answer " + i + " is its own");
      }
      assertEquals(java.util.Set.of(ids), sink.byId.keySet(), "every request reached the sink");
      long held = resultBytes();
      assertTrue(held > 2000 && held <= 2500, "held bytes " + held);
      assertEquals((double) held, source.registry().get("flowmesh.source.serving.result.bytes").gauge().value());

      // One answer larger than the whole budget: kept as a 507 naming its size and the key, evicting nothing.
      HttpResponse<String> big = post("/v1/process/async", "z".repeat(3000));
      assertEquals(202, big.statusCode(), big.body());
      String bigId = new JsonObject(big.body()).getString("id");
      OnLoop.until(() -> answered("async") == 4, 10_000, () -> "answered=" + answered("async"));
      HttpResponse<String> tooLarge = fetch(bigId);
      assertEquals(507, tooLarge.statusCode(), tooLarge.body());
      JsonObject j = new JsonObject(tooLarge.body());
      assertEquals("too_large", j.getString("status"), tooLarge.body());
      assertEquals(2500, j.getLong("max_result_bytes"), tooLarge.body());
      assertTrue(j.getLong("bytes") > 3000, tooLarge.body());
      assertTrue(j.getString("reason").contains(j.getLong("bytes") + " bytes, over source.serving.max-result-bytes=2500"),
          j.getString("reason"));
      assertEquals(3, results(), "the oversized answer took the place of none");
      assertEquals(200, fetch(ids[1]).statusCode());
      assertEquals(held, resultBytes(), "the oversized answer holds none of the budget");
    }
  }

  private HttpResponse<String> fetch(String id) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/v1/process/fetch?id=" + id))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private long resultBytes() {
    return OnLoop.await(source.vertex().status(), 10_000).getJsonObject("serving").getLong("resultBytes");
  }

  private int results() {
    return OnLoop.await(source.vertex().status(), 10_000).getJsonObject("serving").getInteger("results");
  }

  private double answered(String mode) {
    return source.registry().get("flowmesh.source.serving.requests").tag("mode", mode).tag("outcome", "answered").counter().count();
  }

  @Test
  void sseStreamsOverTheCapAreRefusedWith429NamingTheKey() throws Exception {
    start("--source.serving.max-listeners=1");
    try (Socket s = new Socket("127.0.0.1", source.httpPort())) {
      s.getOutputStream().write("GET /v1/process/sse HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      OnLoop.until(() -> OnLoop.await(source.vertex().status(), 10_000).getJsonObject("serving").getInteger("listeners") == 1,
          10_000, () -> "the first stream registered");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort()
          + "/v1/process/sse")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(429, r.statusCode(), r.body());
      assertTrue(r.body().contains("source.serving.max-listeners"), r.body());
    }
  }

  @Test
  void headerValuesFromThePipelineArePercentEncodedAndPlainOnesKept() {
    assertEquals("plain-key_1.x", ServingRoute.headerSafe("plain-key_1.x"));
    assertEquals("a%0D%0ASet-Cookie:%20x", ServingRoute.headerSafe("a\r\nSet-Cookie: x"));
    assertEquals("k%C3%BCche%E2%82%AC", ServingRoute.headerSafe("küche€"));
    assertEquals("50%25%2Cb", ServingRoute.headerSafe("50%,b"));
    assertEquals("a%2C1,b", ServingRoute.headerList(List.of("a,1", "b")));
  }
}
