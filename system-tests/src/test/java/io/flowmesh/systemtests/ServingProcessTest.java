package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving through real processes (http source → map with an example UDF → file sink, real gRPC
 * edges): each request's answer comes home on the ack chain (docs/serving.md).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServingProcessTest {

  private static final Duration ANSWERS_TIMEOUT = Duration.ofSeconds(150);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void tenThousandSyncRequestsOver64ConnectionsEachGetExactlyTheirOwnAnswer() throws Exception {
    int n = 10_000;
    try (Pipeline p = Pipeline.start(dir, "uppercase", env(Map.of()));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 64)) {
      List<String> bodies = new ArrayList<>(n);
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String body = "request-" + i + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        bodies.add(body);
        answers.add(c.post("/v1/process/sync", body, Map.of("Content-Type", "text/plain")));
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWERS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < n; i++) {
        ServingClient.Response r = answers.get(i).join();
        assertEquals(200, r.status(), "request " + i + ": " + r.body());
        JsonObject a = r.body().toJsonObject();
        JsonArray outputs = a.getJsonArray("outputs");
        assertEquals(1, outputs.size(), "request " + i + " has exactly one output: " + a);
        JsonObject o = outputs.getJsonObject(0);
        assertEquals(bodies.get(i).toUpperCase(Locale.ROOT), decode(o), "request " + i + " got its own answer");
        assertEquals(a.getString("id") + "/0", o.getString("id"), "the output derives from the request's id");
        assertEquals("sink", o.getString("vertex"));
        assertEquals(a.getString("id"), r.headers().get("X-Flowmesh-Id"));
        assertTrue(ids.add(a.getString("id")), "request ids are distinct: " + a.getString("id"));
      }
      JsonObject serving = p.service(Vertex.SOURCE).status().getJsonObject("serving");
      PromText.Parsed m = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertEquals(n, m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "answered")),
          "answered sync requests counted; status: " + serving);
      assertEquals(0, m.sum("flowmesh_source_serving_pending"), "nothing waits any more");
    }
  }

  @Test
  void aDroppedElementGetsAnEmptyAnswerAndWaitAckedAnswersOnlyOnceTheSinkWroteEveryMessage() throws Exception {
    try (Pipeline p = Pipeline.start(dir, "filter", List.of("--contains", "drop"), env(Map.of()));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 4)) {
      ServingClient.Response dropped = c.post("/v1/process/sync", "please drop me", Map.of()).get(60, TimeUnit.SECONDS);
      assertEquals(200, dropped.status(), dropped.body().toString());
      assertEquals(0, dropped.body().toJsonObject().getJsonArray("outputs").size(), "a dropped element: an empty answer");
      ServingClient.Response raw = c.post("/v1/process/sync", "drop this too", Map.of("Accept", "application/octet-stream"))
          .get(60, TimeUnit.SECONDS);
      assertEquals(204, raw.status(), "raw mode, nothing produced: 204; " + raw.body());
      ServingClient.Response kept = c.post("/v1/process/sync", "keep me", Map.of("Accept", "application/octet-stream",
          "X-Flowmesh-Keys", "k1")).get(60, TimeUnit.SECONDS);
      assertEquals(200, kept.status(), kept.body().toString());
      assertEquals("keep me", kept.body().toString(StandardCharsets.UTF_8), "raw mode: the value as the body");
      assertEquals("k1", kept.headers().get("X-Flowmesh-Keys"));

      String ndjson = "{\"value\":\"a\"}\n{\"value\":\"b\"}\n{\"value\":\"c\"}\n";
      ServingClient.Response acked = c.post("/ingest?wait=acked", ndjson, Map.of("Content-Type", "application/x-ndjson"))
          .get(60, TimeUnit.SECONDS);
      assertEquals(200, acked.status(), acked.body().toString());
      JsonObject a = acked.body().toJsonObject();
      assertEquals(3, a.getInteger("acked"));
      String last = a.getString("last_id");
      Set<String> written = sinkIds(p.sinkFile());
      assertTrue(written.contains(last + "/0"), "the sink had written the last message when the answer came: " + written);
      assertEquals(4, written.size(), "keep me and a, b, c written when the answer came: " + written);
    }
  }

  @Test
  void asyncAnswersAreFetchedByIdAndStreamedAsServerSentEvents() throws Exception {
    try (Pipeline p = Pipeline.start(dir, "uppercase", env(Map.of()));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 4);
        Socket all = new Socket("127.0.0.1", p.service(Vertex.SOURCE).httpPort())) {
      // The stream of every answer, read as it comes (the client above reads whole bodies only).
      all.setSoTimeout(60_000);
      all.getOutputStream().write("GET /v1/process/sse HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      all.getOutputStream().flush();
      BufferedReader stream = new BufferedReader(new InputStreamReader(all.getInputStream(), StandardCharsets.UTF_8));
      Await.until("the SSE client registered", Duration.ofSeconds(30), () -> sseClientRegistered(p));
      ServingClient.Response submitted = c.post("/v1/process/async", "later", Map.of()).get(30, TimeUnit.SECONDS);
      assertEquals(202, submitted.status(), submitted.body().toString());
      String id = submitted.body().toJsonObject().getString("id");
      assertEquals("/v1/process/fetch?id=" + id, submitted.headers().get("Location"));
      JsonObject[] answer = new JsonObject[1];
      Await.until("the async answer fetched", Duration.ofSeconds(60), () -> {
        ServingClient.Response r = c.get("/v1/process/fetch?id=" + id).join();
        if (r.status() == 200) {
          answer[0] = r.body().toJsonObject();
          return true;
        }
        assertEquals(202, r.status(), "pending until answered: " + r.body());
        return false;
      });
      assertEquals("LATER", decode(answer[0].getJsonArray("outputs").getJsonObject(0)));
      ServingClient.Response one = c.get("/v1/process/sse?id=" + id).get(30, TimeUnit.SECONDS);
      assertEquals(200, one.status());
      assertEquals("text/event-stream", one.headers().get("Content-Type"));
      String event = one.body().toString(StandardCharsets.UTF_8);
      assertTrue(event.contains("id: " + id + "\nevent: answered\ndata: {"), "the one answer as an event: " + event);
      assertEquals(404, c.get("/v1/process/fetch?id=no-such-id").get(30, TimeUnit.SECONDS).status(), "an unknown id");
      assertEquals(404, c.get("/v1/process/sse?id=no-such-id").get(30, TimeUnit.SECONDS).status(), "an unknown id");
      String line;
      String previous = "";
      while ((line = stream.readLine()) != null && !(previous.equals("id: " + id) && line.equals("event: answered"))) {
        previous = line;
      }
      assertTrue(line != null, "the stream of every answer carried the async answer's event, id " + id);
      assertTrue(stream.readLine().startsWith("data: {"), "its data: the JSON answer");
    }
  }

  /** Whether an open /v1/process/sse stream is registered (the source's /status counts them). */
  private static boolean sseClientRegistered(Pipeline p) {
    JsonObject serving = p.service(Vertex.SOURCE).status().getJsonObject("serving", new JsonObject());
    return serving.getInteger("listeners", 0) == 1;
  }

  @Test
  void aRequestWithoutAnswerInTimeGets504AndMaxPendingRequestsWaitingGive429() throws Exception {
    // Every element takes 4 s in the UDF: a 300 ms timeout fires first, and requests stay waiting.
    Map<String, String> env = env(Map.of("FLOWMESH_SOURCE_SERVING_MAX_PENDING", "3"));
    try (Pipeline p = Pipeline.start(dir, "latency", List.of("--latency", "100%:4s"), env);
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 8)) {
      ServingClient.Response late = c.post("/v1/process/sync?timeout=300ms", "slow", Map.of()).get(60, TimeUnit.SECONDS);
      assertEquals(504, late.status(), late.body().toString());
      JsonObject body = late.body().toJsonObject();
      assertNotNull(body.getString("id"));
      assertEquals(300, body.getLong("timeout_ms"));
      assertTrue(body.getString("reason").contains(body.getString("id")) && body.getString("reason").contains("300 ms"),
          body.getString("reason"));

      List<CompletableFuture<ServingClient.Response>> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(c.post("/v1/process/sync?timeout=60s", "wait-" + i, Map.of()));
      }
      Await.until("3 requests waiting", Duration.ofSeconds(30), () -> pending(p) == 3, () -> "pending " + pending(p));
      ServingClient.Response refused = c.post("/v1/process/sync", "one too many", Map.of()).get(30, TimeUnit.SECONDS);
      assertEquals(429, refused.status(), refused.body().toString());
      assertEquals("busy", refused.body().toJsonObject().getString("error"));
      assertNotNull(refused.headers().get("Retry-After"));
      for (CompletableFuture<ServingClient.Response> w : waiting) {
        ServingClient.Response r = w.get(90, TimeUnit.SECONDS);
        assertEquals(200, r.status(), "the waiting requests are answered in the end: " + r.body());
      }
      PromText.Parsed m = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertEquals(1, m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "timeout")));
      assertEquals(1, m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "full")));
    }
  }

  @Test
  void aUdfKilledAndRestartedMidRunStillGivesEveryRequestExactlyItsOneAnswer() throws Exception {
    int n = 2_000;
    try (Pipeline p = Pipeline.start(dir, "uppercase", env(Map.of()));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 32)) {
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answers.add(c.post("/v1/process/sync?timeout=120s", "crash-" + i, Map.of()));
      }
      Await.until("some answers before the kill", Duration.ofSeconds(60),
          () -> answers.stream().filter(CompletableFuture::isDone).count() >= 100);
      p.udf().process().destroyForcibly(); // SIGKILL, mid-run
      assertTrue(p.udf().waitFor(Duration.ofSeconds(10)), "the UDF exited after SIGKILL");
      long answeredAtKill = answers.stream().filter(CompletableFuture::isDone).count();
      p.startUdf();
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWERS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      for (int i = 0; i < n; i++) {
        ServingClient.Response r = answers.get(i).join();
        assertEquals(200, r.status(), "request " + i + ": " + r.body());
        JsonArray outputs = r.body().toJsonObject().getJsonArray("outputs");
        assertEquals(1, outputs.size(), "request " + i + ": one answer, once: " + outputs);
        assertEquals("CRASH-" + i, decode(outputs.getJsonObject(0)));
      }
      assertTrue(answeredAtKill < n, "the kill came mid-run (all " + n + " answered before it)");
    }
  }

  private static long pending(Pipeline p) {
    PromText.Parsed m = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
    return (long) m.sum("flowmesh_source_serving_pending");
  }

  private static String decode(JsonObject output) {
    return new String(Base64.getDecoder().decode(output.getString("value")), StandardCharsets.UTF_8);
  }

  private static Set<String> sinkIds(Path file) {
    Set<String> ids = new HashSet<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          ids.add(new JsonObject(line).getString("id"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWMESH_SOURCE_TYPE", "http");
    // Requests here ask for up to 120 s: the longest timeout, and the idle timeout above it, are raised.
    env.put("FLOWMESH_HTTP_IDLE_TIMEOUT", "180s");
    env.put("FLOWMESH_SOURCE_SERVING_MAX_TIMEOUT", "150s");
    env.putAll(extra);
    return env;
  }
}
