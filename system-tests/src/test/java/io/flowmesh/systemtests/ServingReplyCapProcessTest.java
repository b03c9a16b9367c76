package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cap on a serving reply, through real processes (http source → map with the example
 * {@code flatmap} UDF → file sink, every service at {@code edge.max-frame-bytes=64KiB}, its least): a request
 * whose outputs' replies add up to more than an ack frame can carry is answered 502 naming the limit,
 * instead of breaking the map's edge to the source and being redelivered forever (docs/serving.md).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServingReplyCapProcessTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aReplyOverTheFrameLimitIsAnswered502NamingItAndOtherRequestsStillGetTheirAnswersWithNothingRedelivered()
      throws Exception {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_TYPE", "http",
        "FLOWMESH_EDGE_MAX_FRAME_BYTES", "64KiB",
        "FLOWMESH_EDGE_MAX_MESSAGE_BYTES", "32KiB",
        "FLOWMESH_HTTP_IDLE_TIMEOUT", "180s",
        "FLOWMESH_SOURCE_SERVING_MAX_TIMEOUT", "150s");
    // 4,001 outputs; each one's reply (its id, value and the sink's name) is ~30 bytes: ~120 KB in all
    String big = "x,".repeat(4_000);
    try (Pipeline p = Pipeline.start(dir, "flatmap", List.of("--separator", ","), env);
        ServingClient c = new ServingClient(p.service(Vertex.SOURCE).httpPort(), 8)) {
      ServingClient.Response tooLarge = c.post("/v1/process/sync?timeout=120s", big, Map.of()).get(150, TimeUnit.SECONDS);
      assertEquals(502, tooLarge.status(), tooLarge.body().toString());
      JsonObject failed = tooLarge.body().toJsonObject();
      assertEquals("failed", failed.getString("status"));
      String reason = failed.getString("reason");
      assertTrue(reason.contains("at vertex map") && reason.contains("bytes over the")
          && reason.contains("edge.max-frame-bytes=65536"), "the reason names the size over and the limit: " + reason);

      // Then more of both, at once: each small one gets its own two outputs, each large one its 502.
      List<CompletableFuture<ServingClient.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(c.post("/v1/process/sync?timeout=120s", i % 10 == 0 ? big : "a" + i + ",b" + i, Map.of()));
      }
      for (int i = 0; i < answers.size(); i++) {
        ServingClient.Response r = answers.get(i).get(150, TimeUnit.SECONDS);
        if (i % 10 == 0) {
          assertEquals(502, r.status(), "request " + i + ": " + r.body());
          continue;
        }
        assertEquals(200, r.status(), "request " + i + ": " + r.body());
        JsonArray outputs = r.body().toJsonObject().getJsonArray("outputs");
        List<String> values = new ArrayList<>();
        for (int j = 0; j < outputs.size(); j++) {
          values.add(new String(Base64.getDecoder().decode(outputs.getJsonObject(j).getString("value")), StandardCharsets.UTF_8));
        }
        values.sort(null);
        assertEquals(List.of("a" + i, "b" + i), values, "request " + i + " got its own two outputs");
      }

      // Every request was answered once its message was acked: nothing went back for redelivery.
      for (Vertex v : List.of(Vertex.SOURCE, Vertex.MAP)) {
        PromText.Parsed m = MetricsText.parse(p.service(v).get("/metrics").body());
        for (String name : List.of("flowmesh_edge_redelivered_total", "flowmesh_edge_nacked_total",
            "flowmesh_edge_protocol_violations_total")) {
          assertTrue(m.samples().stream().anyMatch(s -> s.name().equals(name)), v + " exports " + name);
        }
        assertEquals(0.0, m.sum("flowmesh_edge_redelivered_total"), v + ": nothing redelivered");
        assertEquals(0.0, m.sum("flowmesh_edge_nacked_total"), v + ": nothing nacked");
        assertEquals(0.0, m.sum("flowmesh_edge_protocol_violations_total"), v + ": no frame over the limit");
      }
      PromText.Parsed source = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertEquals(0, source.sum("flowmesh_source_serving_pending"), "nothing waits any more");
    }
  }
}
