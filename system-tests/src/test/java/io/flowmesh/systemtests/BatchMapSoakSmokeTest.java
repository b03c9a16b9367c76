package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of the batch-map soak ({@code scripts/bench.sh --scenarios 6 --soak-mode batch-map},
 * recorded in BENCHMARKS.md): the {@code cat} UDF in batch mode, batches of 500, 500-byte
 * messages at a fixed rate for three minutes into the file sink, map-service with the JVM options a
 * map vertex ships with ({@code map-service/jvm.options}). It asserts only what must hold on any
 * machine: every id written once, every message acked, no error counter moved and no WARN/ERROR
 * line — not rates, memory or pauses, which depend on the machine's load (the benchmark records
 * those).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BatchMapSoakSmokeTest {

  private static final int RATE = 5_000;
  private static final int SECONDS = 180;
  private static final int COUNT = RATE * SECONDS;
  private static final String PREFIX = "soak";
  /** Counters whose name says something went wrong, as scripts/bench/flowbench.py counts them. */
  private static final List<String> ERROR_WORDS = List.of("error", "violation", "timeout", "redelivered", "nacked",
      "failed", "stalls", "late_responses", "retries", "duplicates", "rejected", "reconnects");

  @Test
  void batchMapAtAFixedRateForThreeMinutesLosesNothingAndCountsNoErrors(@TempDir Path dir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_RATE", String.valueOf(RATE));
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "500");
    env.put("FLOWMESH_SOURCE_ID_PREFIX", PREFIX);
    env.put("FLOWMESH_MAP_MODE", "batch-map");
    env.put("FLOWMESH_MAP_BATCH_SIZE", "500");
    // as the image sets it for map (docs/running.md); harmless for the other two
    env.put("MALLOC_ARENA_MAX", "2");
    List<String> mapJvm = List.of("@" + Project.path("map-service/jvm.options"));
    try (Pipeline p = Pipeline.start(dir, "cat", List.of("--mode", "batch-map"), mapJvm, env)) {
      Map<String, Long> logStart = logSizes(p);
      Map<String, Double> countersBefore = errorCounters(p);
      ServiceProcess source = p.service(Vertex.SOURCE);
      // a guard against a hang, not a timing: the run itself takes SECONDS at RATE
      Await.until("the source to report all " + COUNT + " messages acked", Duration.ofSeconds(SECONDS * 4L),
          () -> source.status().getBoolean("complete", false), p::logs);
      JsonObject status = source.status();
      assertEquals(COUNT, status.getLong("produced"), "produced");
      assertEquals(COUNT, status.getLong("acked"), "acked end to end");

      Map<String, Double> countersAfter = errorCounters(p);
      Map<String, String> moved = new TreeMap<>();
      countersAfter.forEach((k, v) -> {
        double was = countersBefore.getOrDefault(k, 0.0);
        if (v != was) {
          moved.put(k, was + " -> " + v);
        }
      });
      assertEquals(Map.of(), moved, "error counters that moved during the run");
      assertEquals(List.of(), problemLines(p, logStart), "WARN/ERROR lines logged during the run");

      SinkFile.IdCount ids = SinkFile.countIds(p.sinkFile(), PREFIX, COUNT);
      assertEquals(List.of(), ids.missing(), "ids missing from " + p.sinkFile() + " (the first ten)");
      assertEquals(COUNT, ids.distinct(), "distinct ids");
      assertEquals(0, ids.repeated(), "ids written more than once");
      assertEquals(0, ids.foreign(), "lines with an id the source did not produce");
      System.out.printf("batch-map soak smoke: %,d messages at %,d/s, %,d lines, none lost or repeated%n",
          COUNT, RATE, ids.lines());
    }
  }

  /** Every error-like {@code flowmesh_*_total} counter of the three services, by service and name. */
  private static Map<String, Double> errorCounters(Pipeline p) {
    Map<String, Double> out = new TreeMap<>();
    for (Vertex v : Vertex.values()) {
      Http.Response r = p.service(v).get("/metrics");
      assertEquals(200, r.status(), v.id() + " /metrics");
      for (PromText.Sample s : MetricsText.parse(r.body()).samples()) {
        String n = s.name();
        if (n.startsWith("flowmesh_") && n.endsWith("_total") && ERROR_WORDS.stream().anyMatch(n::contains)) {
          out.merge(v.id() + ":" + n + s.labels(), s.value(), Double::sum);
        }
      }
    }
    return out;
  }

  private static Map<String, Long> logSizes(Pipeline p) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (JavaProcess j : processes(p)) {
      try {
        out.put(j.name(), Files.exists(j.log()) ? Files.size(j.log()) : 0L);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** WARN and ERROR lines (and exceptions) each process logged after its log had {@code start} bytes. */
  private static List<String> problemLines(Pipeline p, Map<String, Long> start) {
    List<String> out = new ArrayList<>();
    for (JavaProcess j : processes(p)) {
      byte[] all;
      try {
        all = Files.readAllBytes(j.log());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int from = (int) Math.min(all.length, start.getOrDefault(j.name(), 0L));
      new String(all, from, all.length - from, StandardCharsets.UTF_8).lines()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"))
          .limit(5)
          .forEach(l -> out.add(j.name() + ": " + l));
    }
    return out;
  }

  private static List<JavaProcess> processes(Pipeline p) {
    List<JavaProcess> out = new ArrayList<>();
    out.add(p.udf());
    for (Vertex v : Vertex.values()) {
      out.add(p.service(v).process());
    }
    return out;
  }
}
