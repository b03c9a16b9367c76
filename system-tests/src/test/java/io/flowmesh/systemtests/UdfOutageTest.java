package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UDF process dies mid-run: map says why it is not ready, recovers when the UDF is back, loses nothing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdfOutageTest {

  private static final int COUNT = 30_000;

  @Test
  void mapReadyzIs503WithAReasonWhileTheUdfIsDownAnd200AfterItRestarts(@TempDir Path dir) {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "3000",
        "FLOWMESH_SOURCE_ID_PREFIX", "outage",
        "FLOWMESH_SINK_DEDUPE_WINDOW", String.valueOf(COUNT));
    try (Pipeline p = Pipeline.start(dir, "uppercase", env)) {
      ServiceProcess map = p.service(Vertex.MAP);
      Await.until("some messages written", Duration.ofSeconds(30), () -> SinkFile.countLines(p.sinkFile()) >= 3000, p::logs);

      p.udf().process().destroyForcibly(); // a crash, not a clean stop
      p.udf().waitFor(Duration.ofSeconds(10));
      Await.until("map /readyz to answer 503", Duration.ofSeconds(20), () -> Http.status(map.url("/readyz")) == 503, p::logs);
      Http.Response notReady = map.get("/readyz");
      assertEquals(503, notReady.status());
      assertTrue(notReady.contentType().startsWith("application/json"), notReady.contentType());
      JsonObject body = notReady.json();
      assertEquals(false, body.getBoolean("ready"));
      assertEquals("map", body.getString("service"));
      String reason = body.getString("reason", "");
      assertTrue(reason.contains("UDF") && reason.contains(p.env().get("FLOWMESH_UDF_ADDRESS")),
          "the reason names the UDF and its address: " + reason);
      assertEquals(200, Http.status(p.service(Vertex.SOURCE).url("/readyz")), "source is not affected");
      assertEquals(200, Http.status(p.service(Vertex.SINK).url("/readyz")), "sink is not affected");
      long during = SinkFile.countLines(p.sinkFile());

      p.startUdf();
      Await.until("map /readyz to answer 200 again", Duration.ofSeconds(20), () -> Http.status(map.url("/readyz")) == 200, p::logs);
      assertEquals(new JsonObject().put("ready", true).put("service", "map"), map.get("/readyz").json());

      Await.until("the bounded run to complete", Duration.ofSeconds(60),
          () -> p.service(Vertex.SOURCE).status().getBoolean("complete", false), p::logs);
      SinkFile out = SinkFile.read(p.sinkFile());
      assertTrue(out.lines() > during, "flow resumed after the UDF came back");
      assertEquals(COUNT, out.distinctIds(), "every message arrived despite the outage");
      SinkFile.assertContiguous(out.counters("outage"), 0, "outage ids");
      assertTrue(out.duplicates().isEmpty(), "dedupe window on: no duplicates, got " + out.duplicates().size());
      assertFalse(out.values().values().stream().anyMatch(v -> !v.equals(v.toUpperCase())), "all upper-cased");
    }
  }
}
