package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example {@code faulty} UDF misbehaving behind real map-service, source and sink processes:
 * slow to start, failing some elements, answering garbage, hanging. Whatever it does, map-service
 * says so (readiness, {@code /status}, {@code /metrics}) and nothing is lost.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UdfFaultProcessTest {

  private static final int COUNT = 20_000;
  private static final String PREFIX = "faulty";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aUdfSlowToStartKeepsMapNotReadyUntilItIsReadyThenEverythingArrives() {
    // Not listening for 6 s, then listening with IsReady false until 12 s after it started: windows
    // wide enough that map's own start (four JVMs starting at once on 2 cores) cannot miss either.
    long start = System.nanoTime();
    try (Pipeline p = Pipeline.launch(dir, "faulty", List.of("--start-delay", "6s", "--unready-for", "12s"), env(Map.of()))) {
      ServiceProcess map = p.service(Vertex.MAP);
      Set<String> reasons = new LinkedHashSet<>();
      Await.until("map ready", Duration.ofSeconds(60), () -> {
        Http.Response r = readyz(map);
        if (r != null && r.status() == 503) {
          reasons.add(r.json().getString("reason").replaceAll("instance \\d+: ", ""));
        }
        return r != null && r.status() == 200;
      }, () -> "reasons seen: " + reasons + "\n" + p.logs());
      double readyAfter = (System.nanoTime() - start) / 1e9;
      assertTrue(readyAfter >= 12, "map ready " + readyAfter + " s after the UDF started, before it said it was ready");
      String refused = "UDF at " + p.env().get("FLOWMESH_UDF_ADDRESS") + " unreachable: connection refused";
      assertTrue(reasons.stream().anyMatch(r -> r.equals(refused)), "reasons while the UDF did not listen: " + reasons);
      long warned = map.process().logText().lines().filter(l -> l.contains(" WARN ") && l.contains(refused)).count();
      assertEquals(1, warned, "WARN lines naming the refused UDF:\n" + map.process().logTail(40));
      assertTrue(reasons.stream().anyMatch(r -> r.contains("is not ready")), "reasons while the UDF said not ready: " + reasons);
      p.service(Vertex.SOURCE).awaitReady(Pipeline.START_TIMEOUT);
      p.service(Vertex.SINK).awaitReady(Pipeline.START_TIMEOUT);
      RunOutcome.awaitComplete(p, RUN_TIMEOUT);
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      out.assertNothingLost();
      out.assertNoDuplicates();
    }
  }

  @Test
  void aUdfFailingOnePercentWithOnFailureDropHasOutputsPlusDroppedEqualToInputs() {
    // One failed element fails the whole MapFn stream (as Numaflow's SDKs do): with one attempt,
    // every element in flight on it is given up on, so a little concurrency keeps drops moderate.
    Map<String, String> env = env(Map.of("FLOWMESH_UDF_ON_FAILURE", "drop", "FLOWMESH_UDF_RETRY_MAX_ATTEMPTS", "1",
        "FLOWMESH_MAP_CONCURRENCY", "8", "FLOWMESH_UDF_RECONNECT_INITIAL_BACKOFF", "5ms",
        "FLOWMESH_UDF_RECONNECT_MAX_BACKOFF", "20ms"));
    try (Pipeline p = start(List.of("--fail-fraction", "0.01", "--seed", "7"), env)) {
      RunOutcome.awaitComplete(p, RUN_TIMEOUT);
      Counts c = Counts.of(p);
      assertEquals(COUNT, c.in, "elements into map (nothing was redelivered)");
      assertEquals(c.in, c.outputs + c.failedDropped, "outputs + dropped = inputs, from /status: " + c);
      assertTrue(c.failedDropped > 0, "nothing was dropped: " + c);
      assertEquals(0, c.failedNacked, "nacked under on-failure=drop");
      PromText.Parsed m = MetricsText.parse(p.service(Vertex.MAP).get("/metrics").body());
      assertEquals(m.sum("flowmesh_map_elements_in_total"),
          m.sum("flowmesh_map_outputs_total") + m.sum("flowmesh_map_failed_dropped_total"), "outputs + dropped = inputs, from /metrics");
      assertTrue(m.sum("flowmesh_map_udf_errors_total") > 0, "UDF errors counted");
      p.close();
      SinkFile out = SinkFile.read(p.sinkFile());
      assertEquals(c.outputs, out.lines(), "lines in the sink file = map's outputs");
      assertEquals(c.outputs, out.distinctIds(), "distinct ids in the sink file = map's outputs");
      System.out.printf("faulty --fail-fraction 0.01, on-failure=drop: %s%n", c);
    }
  }

  @Test
  void aUdfFailingOnePercentWithOnFailureFailDeliversEveryElementOnce() {
    Map<String, String> env = env(Map.of("FLOWMESH_UDF_ON_FAILURE", "fail", "FLOWMESH_UDF_RETRY_MAX_ATTEMPTS", "1",
        "FLOWMESH_MAP_CONCURRENCY", "8", "FLOWMESH_UDF_RECONNECT_INITIAL_BACKOFF", "5ms",
        "FLOWMESH_UDF_RECONNECT_MAX_BACKOFF", "20ms"));
    try (Pipeline p = start(List.of("--fail-fraction", "0.01", "--seed", "7"), env)) {
      RunOutcome.awaitComplete(p, RUN_TIMEOUT);
      Counts c = Counts.of(p);
      assertTrue(c.failedNacked > 0, "nothing was nacked: " + c);
      assertEquals(0, c.failedDropped, "dropped under on-failure=fail");
      assertEquals(c.in, c.outputs + c.failedNacked, "every element taken was output or nacked: " + c);
      long redelivered = p.service(Vertex.SOURCE).status().getJsonObject("edge").getLong("redelivered");
      assertEquals(c.failedNacked, redelivered, "the source redelivered what map nacked");
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      out.assertNothingLost();
      out.assertNoDuplicates();
      System.out.printf("faulty --fail-fraction 0.01, on-failure=fail: %s%n", c);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown-id", "duplicate"})
  void aUdfAnsweringGarbageLosesAndDoublesNothingAndMapCountsTheViolations(String garbage) {
    Map<String, String> env = env(Map.of("FLOWMESH_UDF_RECONNECT_INITIAL_BACKOFF", "10ms",
        "FLOWMESH_UDF_RECONNECT_MAX_BACKOFF", "50ms"));
    try (Pipeline p = start(List.of("--garbage-every", "1000", "--garbage", garbage), env)) {
      RunOutcome.awaitComplete(p, RUN_TIMEOUT);
      PromText.Parsed m = MetricsText.parse(p.service(Vertex.MAP).get("/metrics").body());
      double violations = m.sum("flowmesh_map_udf_protocol_violations_total");
      assertTrue(violations > 0, "no protocol violation counted in map's /metrics");
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      out.assertNothingLost();
      out.assertNoDuplicates();
      System.out.printf("faulty --garbage %s every 1000 answers: %.0f violations counted, %,d lines%n", garbage, violations,
          out.lines());
    }
  }

  @Test
  void aHungUdfMakesMapNotReadyNamingTheStallAndOnceReplacedEverythingArrives() {
    try (Pipeline p = start(List.of("--hang-after", "5000"), env(Map.of("FLOWMESH_UDF_STALL_TIMEOUT", "2s")))) {
      ServiceProcess map = p.service(Vertex.MAP);
      Await.until("map not ready because the UDF stalled", Duration.ofSeconds(30), () -> {
        Http.Response r = readyz(map);
        return r != null && r.status() == 503 && r.json().getString("reason").contains("UDF stalled");
      }, () -> "last /readyz: " + readyz(map) + "\n" + p.logs());
      String scrape = map.get("/metrics").body();
      PromText.Parsed m = MetricsText.parse(scrape);
      String stallLines = scrape.lines().filter(l -> l.contains("stall")).toList().toString();
      assertTrue(m.sum("flowmesh_map_udf_stalled") >= 1, "flowmesh_map_udf_stalled: " + stallLines);
      assertTrue(m.sum("flowmesh_map_udf_stalls_total") >= 1, "flowmesh_map_udf_stalls_total: " + stallLines);
      long acked = p.service(Vertex.SOURCE).status().getLong("acked");
      assertTrue(acked < COUNT, "the run completed although the UDF hung");

      p.udf().process().destroyForcibly();
      assertTrue(p.udf().waitFor(Duration.ofSeconds(10)), "the hung UDF did not die");
      p.startUdf(List.of()); // faulty without faults: passes everything through
      map.awaitReady(Duration.ofSeconds(30));
      RunOutcome.awaitComplete(p, RUN_TIMEOUT);
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      out.assertNothingLost();
      out.assertNoDuplicates();
    }
  }

  /** The run's environment: {@value #COUNT} messages as fast as credit allows, plus {@code extra}. */
  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "0",
        "FLOWMESH_SOURCE_MSG_SIZE", "32",
        "FLOWMESH_SOURCE_ID_PREFIX", PREFIX));
    env.putAll(extra);
    return env;
  }

  /** Starts the pipeline with {@code faulty udfArgs...} and waits until every service is ready. */
  private Pipeline start(List<String> udfArgs, Map<String, String> env) {
    Pipeline p = Pipeline.launch(dir, "faulty", udfArgs, env);
    try {
      for (Vertex v : Vertex.values()) {
        p.service(v).awaitReady(Pipeline.START_TIMEOUT);
      }
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private static Http.Response readyz(ServiceProcess s) {
    try {
      return s.get("/readyz");
    } catch (IllegalStateException e) {
      return null; // not listening yet
    }
  }

  /** map's element counters from /status, summed over its instances. */
  private record Counts(long in, long outputs, long failedDropped, long failedNacked) {

    static Counts of(Pipeline p) {
      long in = 0;
      long outputs = 0;
      long dropped = 0;
      long nacked = 0;
      for (Object o : p.service(Vertex.MAP).status().getJsonArray("instances")) {
        JsonObject i = (JsonObject) o;
        in += i.getLong("elementsIn");
        outputs += i.getLong("outputs");
        dropped += i.getLong("failedDropped");
        nacked += i.getLong("failedNacked");
      }
      return new Counts(in, outputs, dropped, nacked);
    }
  }
}
