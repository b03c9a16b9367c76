package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
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
 * Serving with many requests really open at once, and with the map process killed under them
 * (http source → map with the {@code uppercase} UDF → file sink, real processes): every request
 * gets exactly its own answer, or a 504 only once its own timeout has passed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServingOpenRequestsProcessTest {

  private static final Duration ANSWERS_TIMEOUT = Duration.ofSeconds(180);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /**
   * 1,200 requests on 1,200 connections of their own. The sink is stopped while they are sent, so
   * none can be answered before all are waiting: the source's pending gauge reaches every one of
   * them (the test cannot pass with fewer on the wire); then the sink comes back and each is answered.
   */
  @Test
  void twelveHundredRequestsOpenAtOnceOnTheirOwnConnectionsEachGetExactlyTheirOwnAnswer() throws Exception {
    int n = 1_200;
    try (Pipeline p = Pipeline.start(dir, "uppercase", env(Map.of(
            // the map keeps what it took while no sink reads it (it would nack it back after this)
            "FLOWMESH_EDGE_ORPHAN_TIMEOUT", "240s")));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), n)) {
      p.service(Vertex.SINK).close();
      List<String> bodies = new ArrayList<>(n);
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String body = "open-" + i + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        bodies.add(body);
        answers.add(c.post("/v1/process/sync?timeout=150s", body, Map.of("Content-Type", "text/plain")));
      }
      long[] most = new long[1];
      Await.until("all " + n + " requests waiting at the source at once", Duration.ofSeconds(120), () -> {
        most[0] = Math.max(most[0], pending(p));
        return most[0] >= n;
      }, () -> "pending at most " + most[0] + "; answered " + answers.stream().filter(CompletableFuture::isDone).count());
      assertEquals(0, answers.stream().filter(CompletableFuture::isDone).count(), "nothing answered while the sink is gone");
      p.restart(Vertex.SINK, Map.of());
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWERS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < n; i++) {
        ServingClient.Response r = answers.get(i).join();
        assertEquals(200, r.status(), "request " + i + ": " + r.body());
        assertOwnAnswer(r, bodies.get(i), "request " + i);
        assertTrue(ids.add(r.headers().get("X-Flowmesh-Id")), "request ids are distinct");
      }
      assertEquals(0, pending(p), "nothing waits any more");
    }
  }

  /**
   * The map process is killed with SIGKILL while requests are in flight and started again: every
   * request gets exactly one answer, its own, or a 504 only after its own timeout passed; none hangs.
   */
  @Test
  void theMapProcessKilledMidRunAndRestartedGivesEveryRequestItsOwnAnswerOrA504AfterItsTimeout() throws Exception {
    int n = 2_000;
    long timeoutMillis = 60_000;
    try (Pipeline p = Pipeline.start(dir, "uppercase", env(Map.of()));
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 200)) {
      List<String> bodies = new ArrayList<>(n);
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>(n);
      long[] sentNanos = new long[n];
      long[] tookMillis = new long[n];
      for (int i = 0; i < n; i++) {
        String body = "kill-" + i;
        bodies.add(body);
        int at = i;
        sentNanos[i] = System.nanoTime();
        answers.add(c.post("/v1/process/sync?timeout=" + timeoutMillis + "ms", body, Map.of())
            .whenComplete((r, e) -> tookMillis[at] = (System.nanoTime() - sentNanos[at]) / 1_000_000));
      }
      // Requests go out over a pool of connections in waves: wait for a moment when some were answered
      // and others wait in the source, and kill then.
      java.util.concurrent.atomic.AtomicLong waiting = new java.util.concurrent.atomic.AtomicLong();
      Await.until("some answers before the kill, others waiting", Duration.ofSeconds(90),
          () -> answers.stream().filter(CompletableFuture::isDone).count() >= 100 && waiting.updateAndGet(x -> pending(p)) > 0,
          p::logs);
      long pendingAtKill = waiting.get();
      p.service(Vertex.MAP).process().process().destroyForcibly(); // SIGKILL, requests in flight
      assertTrue(p.service(Vertex.MAP).process().waitFor(Duration.ofSeconds(20)), "the map exited after SIGKILL");
      long answeredAtKill = answers.stream().filter(CompletableFuture::isDone).count();
      p.restart(Vertex.MAP, Map.of());
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWERS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      int timedOut = 0;
      for (int i = 0; i < n; i++) {
        ServingClient.Response r = answers.get(i).join();
        switch (r.status()) {
          case 200 -> assertOwnAnswer(r, bodies.get(i), "request " + i);
          case 504 -> {
            timedOut++;
            JsonObject b = r.body().toJsonObject();
            assertEquals(timeoutMillis, b.getLong("timeout_ms"), "request " + i + ": " + b);
            assertEquals(r.headers().get("X-Flowmesh-Id"), b.getString("id"), "request " + i + ": its own id: " + b);
            assertTrue(tookMillis[i] >= timeoutMillis, "request " + i + " got 504 after " + tookMillis[i] + " ms, before its "
                + timeoutMillis + " ms timeout: " + b);
          }
          default -> fail("request " + i + ": status " + r.status() + " " + r.body());
        }
      }
      assertTrue(answeredAtKill < n && pendingAtKill > 0, "the kill came mid-run: " + answeredAtKill + " of " + n
          + " answered, " + pendingAtKill + " waiting");
      var m = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertEquals(n - timedOut, (long) m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "answered")));
      assertEquals(timedOut, (long) m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "timeout")));
      assertEquals(0, pending(p), "nothing waits any more");
    }
  }

  /** A 200 whose one output is the upper-cased body, derived from the request's own id. */
  private static void assertOwnAnswer(ServingClient.Response r, String body, String what) {
    JsonObject a = r.body().toJsonObject();
    JsonArray outputs = a.getJsonArray("outputs");
    assertEquals(1, outputs.size(), what + ": one output, once: " + a);
    JsonObject o = outputs.getJsonObject(0);
    assertEquals(body.toUpperCase(Locale.ROOT), new String(Base64.getDecoder().decode(o.getString("value")), StandardCharsets.UTF_8),
        what + " got its own answer");
    assertEquals(a.getString("id") + "/0", o.getString("id"), what + ": the output derives from the request's id");
    assertEquals(a.getString("id"), r.headers().get("X-Flowmesh-Id"), what);
  }

  private static long pending(Pipeline p) {
    return (long) MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body()).sum("flowmesh_source_serving_pending");
  }

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWMESH_SOURCE_TYPE", "http");
    // Requests here wait up to 150 s: the longest timeout, and the idle timeout above it, are raised.
    env.put("FLOWMESH_HTTP_IDLE_TIMEOUT", "180s");
    env.put("FLOWMESH_SOURCE_SERVING_MAX_TIMEOUT", "160s");
    env.putAll(extra);
    return env;
  }
}
