package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two map replicas subscribe to the source; the sink reads only the first. The second one, whose
 * output edge nobody reads, says so on {@code /readyz} and after {@code edge.orphan-timeout} nacks
 * what it took back to the source, which delivers it through the first: the bounded run completes
 * with every message in the sink.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class OrphanedMapTest {

  private static final int COUNT = 4_000;
  private static final String PREFIX = "orphan";

  @Test
  void aMapReplicaNoSinkReadsIsNotReadyAndGivesItsInputsBackSoTheRunCompletes(@TempDir Path dir) throws IOException {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "150",
        "FLOWMESH_SOURCE_ID_PREFIX", PREFIX,
        "FLOWMESH_MAP_INSTANCES", "1");
    try (Pipeline p = Pipeline.launch(dir, "cat", List.of(), env)) {
      int[] ports = Ports.free(2);
      Map<String, String> second = new LinkedHashMap<>(p.env());
      second.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[0]));
      second.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[1]));
      // long enough for it to subscribe to the source and take input on a loaded machine
      second.put("FLOWMESH_EDGE_ORPHAN_TIMEOUT", "20s");
      Path secondDir = Files.createDirectories(dir.resolve("map2"));
      try (ServiceProcess orphan = ServiceProcess.start(Vertex.MAP, second, secondDir)) {
        for (Vertex v : Vertex.values()) {
          p.service(v).awaitReady(Pipeline.START_TIMEOUT);
        }
        Await.until("the second map to take input from the source", Duration.ofSeconds(60),
            () -> instance(orphan).getLong("elementsIn", 0L) > 0, () -> orphan.process().logTail(30));

        Await.until("the second map's /readyz to say nobody reads its output", Duration.ofSeconds(30), () -> {
          Http.Response r = orphan.get("/readyz");
          return r.status() == 503 && r.json().getString("reason", "").contains("no subscriber on the output edge");
        }, () -> "last /readyz: " + orphan.get("/readyz").body() + "\n" + orphan.process().logTail(30));

        Await.until("the second map to give its inputs back and hold none", Duration.ofSeconds(60), () -> {
          JsonObject i = instance(orphan);
          return i.getLong("givenBack", 0L) > 0 && i.getInteger("unfinished", -1) == 0;
        }, () -> "second map: " + orphan.status() + "\n" + orphan.process().logTail(30));
        JsonObject status = orphan.status();
        assertTrue(status.getJsonObject("edge").getJsonObject("subscription").getBoolean("orphaned"),
            "orphaned in /status: " + status);
        assertTrue(instance(orphan).getJsonArray("upstream").getJsonObject(0).getBoolean("creditHeld"),
            "the orphaned map holds its credit: " + status);
        String reason = orphan.get("/readyz").json().getString("reason");
        assertTrue(reason.contains("gave its inputs back upstream"), reason);

        ServiceProcess source = p.service(Vertex.SOURCE);
        Await.until("the source to report its bounded run complete", Duration.ofSeconds(90),
            () -> source.status().getBoolean("complete", false), () -> "second map: " + orphan.status() + "\n" + p.logs());
        assertEquals(COUNT, source.status().getLong("produced"), "produced");
        assertEquals(COUNT, source.status().getLong("acked"), "acked end to end");
        SinkFile out = SinkFile.read(p.sinkFile());
        assertEquals(COUNT, out.distinctIds(), "distinct ids in " + p.sinkFile());
        SinkFile.assertContiguous(out.counters(PREFIX), 0, "ids " + PREFIX + "-<n>/0");
        System.out.println("orphaned map: took " + instance(orphan).getLong("elementsIn") + " inputs, gave back "
            + instance(orphan).getLong("givenBack") + "; /readyz: " + reason);
      }
    }
  }

  private static JsonObject instance(ServiceProcess map) {
    return map.status().getJsonArray("instances").getJsonObject(0);
  }
}
