package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sink.type=udsink} with the official Numaflow Java SDK (0.9.2) as a real process: the
 * example {@code FileSinker} (numaflow-sdk-udf's {@code udsink}) behind generator → map → sink,
 * over TCP and over a Unix socket, answering FAILURE for a fraction of ids on their first attempt
 * (each then written on its retry) and FALLBACK for another (in the fallback file), the counts
 * exact in /metrics and /status; and a kill -9 of the SDK sink mid-run. SDK 0.9.2 cannot answer
 * ON_SUCCESS, SERVE or NACK: those are covered against a current-proto server in sink-service's
 * UdSinkProtocolFaultTest.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class UdSinkProcessTest {

  private static final Path SDK_JAR = Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");
  private static final int COUNT = 20_000;
  private static final double FAILURE = 0.01;
  private static final double FALLBACK = 0.01;

  /** The example's choice of ids, as FileSinker.share computes it. */
  static double share(String id) {
    return ((id.hashCode() * 0x9E3779B1) >>> 8) / (double) (1 << 24);
  }

  @Test
  void overTcpFailuresAreRetriedFallbacksLandInTheFallbackFileAndTheCountsAddUp(@TempDir Path dir) {
    int port = Ports.free();
    Path out = dir.resolve("udsink.txt");
    Path fallback = dir.resolve("fallback.ndjson");
    JavaProcess sdk = startSdk(dir, List.of("--port", String.valueOf(port)), out, FAILURE, FALLBACK);
    try (Pipeline p = Pipeline.start(dir, "cat", env("tcp://127.0.0.1:" + port, fallback, 0))) {
      awaitComplete(p);
      Set<String> written = idsOf(out);
      Set<String> fellBack = SinkFile.read(fallback).values().keySet();
      int expectFailed = 0;
      int expectFallback = 0;
      Set<String> all = new HashSet<>(written);
      all.addAll(fellBack);
      for (String id : all) {
        double s = share(id);
        if (s < FAILURE) {
          expectFailed++;
          assertTrue(written.contains(id), "answered FAILURE first, written by the SDK sink on its retry: " + id);
        }
        expectFallback += s >= FAILURE && s < FAILURE + FALLBACK ? 1 : 0;
      }
      assertEquals(COUNT, all.size(), "every message in the SDK sink's file or the fallback file");
      assertEquals(COUNT - expectFallback, written.size(), "written by the SDK sink (FAILURE ones after their retry)");
      assertEquals(expectFallback, fellBack.size(), "FALLBACK answers in " + fallback);
      assertTrue(expectFailed > 50 && expectFallback > 50, "the fractions pick ids: failed=" + expectFailed + " fallback=" + expectFallback);
      written.forEach(id -> assertTrue(!fellBack.contains(id), "in both files: " + id));
      PromText.Parsed m = MetricsText.parse(p.service(Vertex.SINK).get("/metrics").body());
      assertEquals(expectFailed, outcome(m, "failed"), "FAILURE answers counted");
      assertEquals(expectFallback, outcome(m, "fallback"), "fallback writes counted");
      assertEquals(COUNT, m.sum("flowmesh_sink_messages_total"), "done (written by the udsink or its fallback) counted");
      assertEquals(0, m.sum("flowmesh_sink_udsink_protocol_errors_total"), "no protocol errors");
      assertEquals(0, outcome(m, "serve") + outcome(m, "unsupported-nack"), "SDK 0.9.2 answers no SERVE or NACK");
      var outcomes = p.service(Vertex.SINK).status().getJsonObject("outcomes");
      assertEquals(expectFailed, outcomes.getLong("failed"), "/status: FAILURE answers");
      assertEquals(expectFallback, outcomes.getLong("fallback"), "/status: fallback writes");
      assertEquals(0, outcomes.getLong("serve"), "/status: SERVE answers");
    } finally {
      sdk.close();
    }
  }

  @Test
  void overAUnixSocketAKill9OfTheSdkSinkMidRunLosesNothing(@TempDir Path dir) {
    Path socket = dir.resolve("sink.sock");
    Path out = dir.resolve("udsink.txt");
    List<String> where = List.of("--socket", socket.toString());
    JavaProcess sdk = startSdk(dir, where, out, 0, 0);
    Map<String, String> env = env("unix://" + socket, null, 4000);
    env.put("FLOWMESH_SINK_UDSINK_SERVER_INFO_FILE", dir.resolve("sinker-server-info").toString());
    try (Pipeline p = Pipeline.start(dir, "cat", env)) {
      Await.until("the SDK sink to have written 4,000 lines", Duration.ofSeconds(60), () -> lines(out) >= 4000, p::logs);
      sdk.process().destroyForcibly();
      sdk.waitFor(Duration.ofSeconds(30));
      int at = idsOf(out).size();
      assertTrue(at < COUNT, "killed mid-run, at " + at);
      sdk = startSdk(dir, where, out, 0, 0);
      awaitComplete(p);
      assertEquals(COUNT, idsOf(out).size(), "distinct ids in the SDK sink's file after the kill and restart");
      assertTrue(p.service(Vertex.SINK).process().logText().contains("udsink reconnected"), "the reconnect is logged");
    } finally {
      sdk.close();
    }
  }

  private static Map<String, String> env(String address, Path fallback, int rate) {
    Map<String, String> env = new HashMap<>(Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", String.valueOf(rate),
        "FLOWMESH_SOURCE_ID_PREFIX", "ud",
        "FLOWMESH_SINK_TYPE", "udsink",
        "FLOWMESH_SINK_UDSINK_ADDRESS", address,
        "FLOWMESH_SINK_UDSINK_RECONNECT_MAX_BACKOFF", "500ms",
        "FLOWMESH_SINK_RETRY_INITIAL_BACKOFF", "10ms",
        "FLOWMESH_SINK_RETRY_BACKOFF", "200ms"));
    if (fallback != null) {
      env.put("FLOWMESH_SINK_FALLBACK_TYPE", "file");
      env.put("FLOWMESH_SINK_FALLBACK_PATH", fallback.toString());
    }
    return env;
  }

  private static JavaProcess startSdk(Path dir, List<String> where, Path out, double failure, double fallback) {
    List<String> args = new java.util.ArrayList<>(List.of("udsink", "--out", out.toString(), "--failure-fraction",
        String.valueOf(failure), "--fallback-fraction", String.valueOf(fallback)));
    args.addAll(where);
    JavaProcess sdk = JavaProcess.start("sdk-sink", SDK_JAR, args, Map.of(), dir);
    sdk.awaitLog("listening on", Pipeline.START_TIMEOUT);
    return sdk;
  }

  private static void awaitComplete(Pipeline p) {
    ServiceProcess source = p.service(Vertex.SOURCE);
    Await.until("the source to report its bounded run complete", Duration.ofSeconds(150),
        () -> source.status().getBoolean("complete", false), p::logs);
    assertEquals(COUNT, source.status().getLong("acked"), "acked end to end");
  }

  /** {@code flowmesh_sink_outcomes_total{outcome=...}}. */
  static double outcome(PromText.Parsed m, String outcome) {
    return m.samples().stream().filter(s -> s.name().equals("flowmesh_sink_outcomes_total") && outcome.equals(s.labels().get("outcome")))
        .mapToDouble(PromText.Sample::value).sum();
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? SinkFile.countLines(file) : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The ids of the lines {@code id<TAB>value} the SDK sink wrote. */
  private static Set<String> idsOf(Path file) {
    try {
      Set<String> ids = new HashSet<>();
      for (String line : Files.readAllLines(file)) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          ids.add(line.substring(0, tab));
        }
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
