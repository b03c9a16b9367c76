package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strangers on the edges of the real jars: a subscriber without the pipeline's token, or with it
 * but as a vertex the edge does not serve, is refused and gets nothing, while the pipeline beside
 * it delivers every message.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EdgeAuthProcessTest {

  private static final int COUNT = 20_000;
  private static final int UNAUTHENTICATED = 16;
  private static final int PERMISSION_DENIED = 7;

  @Test
  void rogueSubscribersAreRefusedByTheRealSourceAndMapWhileSourceCountEqualsSinkCount(@TempDir Path dir) {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "4000",
        "FLOWMESH_SOURCE_ID_PREFIX", "auth");
    try (Pipeline p = Pipeline.start(dir, "cat", env)) {
      String token = p.env().get("FLOWMESH_EDGE_TOKEN");
      int sourceEdge = Integer.parseInt(p.env().get("FLOWMESH_SOURCE_EDGE_PORT"));
      int mapEdge = Integer.parseInt(p.env().get("FLOWMESH_MAP_EDGE_PORT"));
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("messages flowing", Duration.ofSeconds(30), () -> source.status().getLong("acked", 0L) > 0, p::logs);

      RogueSubscriber.Outcome noToken = RogueSubscriber.subscribe(sourceEdge, null, "map");
      RogueSubscriber.Outcome wrongToken = RogueSubscriber.subscribe(sourceEdge, "guessed", "map");
      RogueSubscriber.Outcome asSink = RogueSubscriber.subscribe(sourceEdge, token, "sink");
      RogueSubscriber.Outcome onMap = RogueSubscriber.subscribe(mapEdge, null, "sink");
      assertFalse(source.status().getBoolean("complete", false), "the rogues came after the run; nothing was at stake");

      assertEquals(UNAUTHENTICATED, noToken.status(), noToken.toString());
      assertTrue(noToken.message().startsWith("no edge token: upstream vertex source requires"), noToken.message());
      assertEquals(UNAUTHENTICATED, wrongToken.status(), wrongToken.toString());
      assertTrue(wrongToken.message().startsWith("wrong edge token"), wrongToken.message());
      assertEquals(PERMISSION_DENIED, asSink.status(), asSink.toString());
      assertEquals("vertex 'sink' may not subscribe to vertex source: it serves [map] (source.edge.allowed-subscribers)",
          asSink.message());
      assertEquals(UNAUTHENTICATED, onMap.status(), onMap.toString());
      for (RogueSubscriber.Outcome o : List.of(noToken, wrongToken, asSink, onMap)) {
        assertEquals(0, o.bytesReceived(), "a refused subscriber received data: " + o);
        assertFalse(o.message().contains(token), "the token in a status message: " + o.message());
      }

      Await.until("the source to report its bounded run complete", Duration.ofSeconds(90),
          () -> source.status().getBoolean("complete", false), p::logs);
      JsonObject status = source.status();
      assertEquals(COUNT, status.getLong("produced"), "produced");
      assertEquals(COUNT, status.getLong("acked"), "acked end to end");
      SinkFile out = SinkFile.read(p.sinkFile());
      assertEquals(COUNT, out.distinctIds(), "distinct ids at the sink");
      assertEquals(COUNT, out.lines(), "lines at the sink");

      MetricsText metrics = MetricsText.parse(source.get("/metrics").body());
      assertTrue(metrics.has("flowmesh_edge_refused_total", Map.of("reason", "no-token")), "refusals counted by reason");
      assertEquals(3.0, metrics.sum("flowmesh_edge_refused_total"), "the source's refusals");
      assertTrue(p.service(Vertex.SOURCE).process().logText().contains("edge subscriber refused vertex=source peer=127.0.0.1"),
          "the refusal is logged");
      assertFalse(p.logs().contains("beyond loopback"), "no exposure warning on loopback with a token");
    }
  }

  @Test
  void aSourceServingBeyondLoopbackWithoutTokenOrMutualTlsWarnsOnceAtStart(@TempDir Path dir) {
    int[] ports = Ports.free(2);
    Map<String, String> env = Map.of("FLOWMESH_BIND_HOST", "0.0.0.0", "FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(ports[0]),
        "FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(ports[1]));
    try (ServiceProcess source = ServiceProcess.start(Vertex.SOURCE, env, dir)) {
      source.awaitReady(Pipeline.START_TIMEOUT);
      List<String> warnings = source.process().logText().lines().filter(l -> l.contains("beyond loopback")).toList();
      assertEquals(1, warnings.size(), "one warning: " + warnings);
      assertTrue(warnings.get(0).contains("WARN") && warnings.get(0).contains("neither edge.token nor mutual TLS")
          && warnings.get(0).contains("FLOWMESH_EDGE_TOKEN"), warnings.get(0));
    }
  }
}
