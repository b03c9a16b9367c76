package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.type=udsource} with the user-defined source written on Numaflow's official Java
 * SDK ({@code numaflow-sdk-udf source}) as a real process, over TCP and a Unix socket, through
 * map (the uppercase example UDF) into the file sink: every record arrives, every offset is acked
 * at the SDK source (its state file counts them), and a {@code kill -9} of the SDK source mid-run
 * followed by a restart loses nothing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class UdSourceProcessTest {

  private static final Pattern ACKED = Pattern.compile("acked (\\d+) of (\\d+)");

  @Test
  void boundedRunOverTcpArrivesCompleteAndEveryOffsetIsAcked(@TempDir Path dir) {
    int n = 3000;
    int port = Ports.free(1)[0];
    Path state = dir.resolve("source-state");
    try (JavaProcess source = startSource(dir, "udsource", n, state, List.of("--port", String.valueOf(port)));
        Pipeline p = Pipeline.start(dir, "uppercase", env(n, "tcp://127.0.0.1:" + port, null))) {
      awaitComplete(p, state, n);
      JsonObject status = p.service(Vertex.SOURCE).status();
      assertEquals("udsource", status.getString("type"));
      assertEquals(new JsonArray().add(0).add(1), status.getJsonArray("partitions"), status.encode());
      Await.until("ackedAtUdf=" + n + " in /status", Duration.ofSeconds(30),
          () -> p.service(Vertex.SOURCE).status().getLong("ackedAtUdf") == n, p::logs);
      Await.until("pending 0 in /status", Duration.ofSeconds(30),
          () -> p.service(Vertex.SOURCE).status().getLong("pending") == 0, p::logs);
      PromText.Parsed metrics = MetricsText.parse(p.service(Vertex.SOURCE).get("/metrics").body());
      assertTrue(metrics.sampleNames().contains("flowmesh_source_udsource_pending"), "pending metric: " + metrics.sampleNames());
      assertEquals(0.0, metrics.sum("flowmesh_source_udsource_pending"), "pending metric 0");
      assertEquals((double) n, metrics.sum("flowmesh_source_udsource_acked_total"), "acked at the UDF, counted");
    }
  }

  @Test
  void boundedRunOverAUnixSocketWithTheServerInfoFileArrivesComplete(@TempDir Path dir) {
    int n = 2000;
    Path socket = dir.resolve("source.sock");
    Path info = dir.resolve("sourcer-server-info");
    Path state = dir.resolve("source-state");
    try (JavaProcess source = startSource(dir, "udsource", n, state,
            List.of("--socket", socket.toString(), "--server-info-file", info.toString()));
        Pipeline p = Pipeline.start(dir, "uppercase", env(n, "unix://" + socket, info))) {
      awaitComplete(p, state, n);
    }
  }

  @Test
  void killMinus9OfTheSdkSourceMidRunAndARestartLoseNothing(@TempDir Path dir) {
    int n = 40_000;
    int port = Ports.free(1)[0];
    Path state = dir.resolve("source-state");
    List<String> where = List.of("--port", String.valueOf(port));
    JavaProcess restarted = null;
    try (JavaProcess source = startSource(dir, "udsource", n, state, where);
        Pipeline p = Pipeline.start(dir, "uppercase", env(n, "tcp://127.0.0.1:" + port, null))) {
      Await.until("some records written", Duration.ofSeconds(60), () -> SinkFile.countLines(p.sinkFile()) >= 2000, p::logs);
      source.process().destroyForcibly(); // kill -9: no goodbye, acks in flight lost
      source.waitFor(Duration.ofSeconds(10));
      long ackedBefore = acked(state);
      assertTrue(ackedBefore < n, "killed mid-run, not after the end (acked " + ackedBefore + ")");
      ServiceProcess src = p.service(Vertex.SOURCE);
      Await.until("source /readyz 503 naming the udsource", Duration.ofSeconds(30), () -> Http.status(src.url("/readyz")) == 503,
          p::logs);
      String reason = src.get("/readyz").json().getString("reason", "");
      assertTrue(reason.contains("udsource") && reason.contains("127.0.0.1:" + port), reason);

      restarted = startSource(dir, "udsource-restarted", n, state, where);
      Await.until("source ready again", Duration.ofSeconds(30), () -> Http.status(src.url("/readyz")) == 200, p::logs);
      awaitComplete(p, state, n);
      assertEquals(0L, src.status().getJsonObject("udsource").getLong("protocolFaults"), () -> "a restart is not a protocol fault:\n"
          + src.process().logText().lines().filter(l -> l.contains("udsource")).limit(20).reduce("", (a, b) -> a + b + "\n"));
      assertTrue(MetricsText.parse(src.get("/metrics").body()).sum("flowmesh_source_udsource_reconnects_total") >= 1, "reconnect counted");
    } finally {
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void stoppingWithOffsetsUnackedAgainstTheSdkSourceWithoutNackFnIsCleanAndSaysSoInOneInfoLine(@TempDir Path dir) {
    int n = 40_000;
    int port = Ports.free(1)[0];
    Path state = dir.resolve("source-state");
    Map<String, String> env = env(n, "tcp://127.0.0.1:" + port, null);
    env.put("FLOWMESH_SHUTDOWN_TIMEOUT", "3s");
    try (JavaProcess sdk = startSource(dir, "udsource", n, state, List.of("--port", String.valueOf(port)));
        Pipeline p = Pipeline.start(dir, "uppercase", env)) {
      Await.until("some records written", Duration.ofSeconds(60), () -> SinkFile.countLines(p.sinkFile()) >= 500, p::logs);
      p.service(Vertex.SINK).process().process().destroyForcibly(); // no ack comes any more
      ServiceProcess src = p.service(Vertex.SOURCE);
      Await.until("records read and not acked at the source", Duration.ofSeconds(30),
          () -> src.status().getLong("unacked", 0L) > 0, p::logs);
      JavaProcess.Stopped stopped = src.process().terminate(Duration.ofSeconds(60));
      String log = src.process().logText();
      assertTrue(stopped.inTime() && (stopped.exitCode() == 143 || stopped.exitCode() == 0),
          "the source stops by itself after SIGTERM: " + stopped + "\n" + src.process().logTail(30));
      List<String> nackLines = log.lines().filter(l -> l.contains("NackFn")).toList();
      assertEquals(1, nackLines.size(), "one line about NackFn: " + nackLines);
      assertTrue(nackLines.get(0).contains(" INFO ") && nackLines.get(0).contains("has no NackFn (UNIMPLEMENTED"), nackLines.get(0));
      assertTrue(log.lines().noneMatch(l -> l.contains(" ERROR ")), "no ERROR line:\n" + src.process().logTail(30));
      assertTrue(log.contains("source drained"), "the graceful path ran:\n" + src.process().logTail(30));
      assertTrue(sdk.alive(), "the SDK source still serves\n" + sdk.logTail(20));
      assertTrue(acked(state) < n, "stopped mid-run (acked " + acked(state) + " of " + n + ")");
    }
  }

  private static Map<String, String> env(int n, String address, Path serverInfo) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "FLOWMESH_SOURCE_TYPE", "udsource",
        "FLOWMESH_SOURCE_UDSOURCE_ADDRESS", address,
        "FLOWMESH_SOURCE_UDSOURCE_RECONNECT_MAX_BACKOFF", "500ms",
        "FLOWMESH_SOURCE_UDSOURCE_POLL_INTERVAL", "200ms",
        "FLOWMESH_SOURCE_UDSOURCE_MAX_BATCH", "200",
        "FLOWMESH_SINK_DEDUPE_WINDOW", String.valueOf(n)));
    if (serverInfo != null) {
      env.put("FLOWMESH_SOURCE_UDSOURCE_SERVER_INFO_FILE", serverInfo.toString());
    }
    return env;
  }

  private static JavaProcess startSource(Path dir, String name, int n, Path state, List<String> where) {
    List<String> args = new ArrayList<>(List.of("source", "--records", String.valueOf(n), "--state", state.toString()));
    args.addAll(where);
    JavaProcess p = JavaProcess.start(name, Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar"), args, Map.of(), dir);
    p.awaitLog("udsource numaflow-sdk-numbered listening on", Pipeline.START_TIMEOUT);
    return p;
  }

  /** Every record in the sink file once, upper-cased, and every offset acked at the SDK source. */
  private static void awaitComplete(Pipeline p, Path state, int n) {
    Await.until(n + " distinct records in the sink file", Duration.ofSeconds(120),
        () -> distinctIds(p.sinkFile()).size() >= n, p::logs);
    Await.until("the SDK source to have all " + n + " offsets acked", Duration.ofSeconds(60), () -> acked(state) == n,
        () -> p.logs() + "\nstate: " + read(state));
    Set<String> values = new HashSet<>();
    for (String line : lines(p.sinkFile())) {
      JsonObject o = new JsonObject(line);
      assertTrue(o.getString("id").matches("p[01]/[A-Za-z0-9_-]{11}/0"), "id " + o.getString("id"));
      values.add(o.getString("value"));
    }
    assertEquals(n, values.size(), "distinct values");
    for (int i = 0; i < n; i++) {
      assertTrue(values.contains("RECORD-" + i), "RECORD-" + i + " missing");
    }
  }

  private static Set<String> distinctIds(Path file) {
    Set<String> ids = new HashSet<>();
    for (String line : lines(file)) {
      ids.add(new JsonObject(line).getString("id"));
    }
    return ids;
  }

  private static List<String> lines(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      text = text.substring(0, text.lastIndexOf('\n') + 1); // whole lines only: the sink may be mid-write
      return text.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long acked(Path state) {
    Matcher m = ACKED.matcher(read(state));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String read(Path state) {
    try {
      return Files.exists(state) ? Files.readString(state, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
