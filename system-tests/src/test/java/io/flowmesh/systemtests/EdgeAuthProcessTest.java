package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
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
 * it delivers every message once (stopped upstream first, the source's count is the sink's).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EdgeAuthProcessTest {

  private static final int UNAUTHENTICATED = 16;
  private static final int PERMISSION_DENIED = 7;

  @Test
  void rogueSubscribersAreRefusedByTheRealSourceAndMapWhileSourceCountEqualsSinkCount(@TempDir Path dir) {
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_RATE", "500", "FLOWMESH_SOURCE_ID_PREFIX", "auth",
        "FLOWMESH_SINK_DEDUPE_WINDOW", "0");
    try (Pipeline p = Pipeline.start(dir, "cat", env); RogueSubscriber rogue = new RogueSubscriber()) {
      String token = p.env().get("FLOWMESH_EDGE_TOKEN");
      int sourceEdge = Integer.parseInt(p.env().get("FLOWMESH_SOURCE_EDGE_PORT"));
      int mapEdge = Integer.parseInt(p.env().get("FLOWMESH_MAP_EDGE_PORT"));
      Await.until("messages at the sink", Duration.ofSeconds(30), () -> SinkFile.countLines(p.sinkFile()) >= 500, p::logs);

      RogueSubscriber.Outcome noToken = rogue.subscribe(sourceEdge, null, "map");
      RogueSubscriber.Outcome wrongToken = rogue.subscribe(sourceEdge, "guessed", "map");
      RogueSubscriber.Outcome asSink = rogue.subscribe(sourceEdge, token, "sink");
      RogueSubscriber.Outcome onMap = rogue.subscribe(mapEdge, null, "sink");

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
      long afterRogues = SinkFile.countLines(p.sinkFile());
      Await.until("the pipeline to keep delivering", Duration.ofSeconds(30),
          () -> SinkFile.countLines(p.sinkFile()) >= afterRogues + 500, p::logs);

      PromText.Parsed metrics = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertTrue(metrics.has("flowmesh_edge_refused_total", Map.of("reason", "no-token")), "refusals counted by reason");
      assertEquals(3.0, metrics.sum("flowmesh_edge_refused_total"), "the source's refusals");
      assertTrue(p.service(Vertex.SOURCE).process().logText().contains("edge subscriber refused vertex=source peer=127.0.0.1"),
          "the refusal is logged");
      assertFalse(p.logs().contains("beyond loopback"), "no exposure warning on loopback with a token");

      for (Vertex v : Vertex.values()) { // source, map, sink: each drains into a live downstream
        JavaProcess.Stopped stopped = p.service(v).process().terminate(Duration.ofSeconds(60));
        assertTrue(stopped.exitCode() == 143 || stopped.exitCode() == 0, v + " exit code " + stopped.exitCode() + "\n" + p.logs());
      }
      long acked = RestartTest.drainedAcked(p);
      SinkFile out = SinkFile.read(p.sinkFile());
      SinkFile.assertContiguous(out.counters("auth"), 0, "ids at the sink");
      assertEquals(acked, out.counters("auth").size(), "source count (produced and acked) = sink count");
      assertTrue(out.duplicates().isEmpty(), "redelivered: a refused subscriber held messages: " + out.duplicates().size());
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
