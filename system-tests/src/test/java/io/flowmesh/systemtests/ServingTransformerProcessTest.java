package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving through a source transformer, all real processes: http source + the SDK example's
 * transformer (drops values starting with a digit, splits values at each comma) → map
 * ({@code uppercase}) → file sink. Each sync request gets exactly its own answer: one output, none
 * for a request the transformer drops, both for one it splits in two.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServingTransformerProcessTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void syncRequestsThroughATransformerEachGetTheirOwnAnswerDroppedOnesEmptyAndSplitOnesBothOutputs() throws Exception {
    int port = Ports.free(1)[0];
    Map<String, String> env = new HashMap<>();
    env.put("FLOWMESH_SOURCE_TYPE", "http");
    env.put("FLOWMESH_SOURCE_TRANSFORMER_ENABLED", "true");
    env.put("FLOWMESH_SOURCE_TRANSFORMER_ADDRESS", "tcp://127.0.0.1:" + port);
    env.put("FLOWMESH_SOURCE_TRANSFORMER_RECONNECT_MAX_BACKOFF", "500ms");
    env.put("FLOWMESH_HTTP_IDLE_TIMEOUT", "180s");
    env.put("FLOWMESH_SOURCE_SERVING_MAX_TIMEOUT", "150s");
    int n = 300;
    try (JavaProcess transformer = SourceTransformerProcessTest.startTransformer(dir,
            List.of("--port", String.valueOf(port), "--split", ","));
        Pipeline p = Pipeline.start(dir, "uppercase", env);
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 32)) {
      // Mixed, all in flight together: kept whole, dropped by the transformer, split in two.
      List<String> bodies = new ArrayList<>(n);
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String body = switch (i % 3) {
          case 0 -> "keep-" + i;
          case 1 -> i + " is dropped";
          default -> "left-" + i + ",right-" + i;
        };
        bodies.add(body);
        answers.add(c.post("/v1/process/sync?timeout=120s", body, Map.of("Content-Type", "text/plain")));
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      for (int i = 0; i < n; i++) {
        ServingClient.Response r = answers.get(i).join();
        assertEquals(200, r.status(), "request " + i + " (" + bodies.get(i) + "): " + r.body());
        JsonObject a = r.body().toJsonObject();
        String id = a.getString("id");
        assertEquals(id, r.headers().get("X-Flowmesh-Id"));
        JsonArray outputs = a.getJsonArray("outputs");
        switch (i % 3) {
          case 0 -> {
            assertEquals(1, outputs.size(), "request " + i + " kept whole: one output: " + a);
            assertEquals(bodies.get(i).toUpperCase(Locale.ROOT), decode(outputs.getJsonObject(0)), "request " + i + ": " + a);
            assertEquals(id + "/0", outputs.getJsonObject(0).getString("id"), "request " + i + ": " + a);
          }
          case 1 -> assertEquals(0, outputs.size(), "request " + i + " dropped by the transformer: an empty answer: " + a);
          default -> {
            assertEquals(2, outputs.size(), "request " + i + " split in two: both outputs: " + a);
            List<String> values = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int o = 0; o < 2; o++) {
              values.add(decode(outputs.getJsonObject(o)));
              ids.add(outputs.getJsonObject(o).getString("id"));
            }
            values.sort(null);
            ids.sort(null);
            assertEquals(List.of("LEFT-" + i, "RIGHT-" + i), values, "request " + i + ": " + a);
            assertEquals(List.of(id + "/0/0", id + "/1/0"), ids, "request " + i + ": the outputs derive from its id: " + a);
          }
        }
      }
      var m = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertEquals(n, m.sum("flowmesh_source_serving_requests_total", Map.of("mode", "sync", "outcome", "answered")));
      assertEquals(0, m.sum("flowmesh_source_serving_pending"), "nothing waits any more");
      assertEquals(n / 3, (long) m.sum("flowmesh_source_transformer_dropped_total"), "the transformer dropped a third");
      Await.until("the sink's file to hold every kept and split output", Duration.ofSeconds(30),
          () -> SinkFile.countLines(p.sinkFile()) == n / 3 + 2 * (n / 3), p::logs);
    }
  }

  private static String decode(JsonObject output) {
    return new String(Base64.getDecoder().decode(output.getString("value")), StandardCharsets.UTF_8);
  }
}
