package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * generator → source transformer (the SDK 0.9.2 example, a real process) → map ({@code cat}) →
 * file sink: what the transformer drops is absent, everything else arrives once by id with the
 * transformer's event time, over TCP and a Unix socket, and across a kill -9 of the transformer.
 * (The transformer's tags stop at map, whose outputs carry its own UDF's tags, as in map.v1.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SourceTransformerProcessTest {

  /** The example drops values starting with a digit (about 10 in 62 of the generator's). */
  private static final String DROP = "^[0-9]";

  static Path sdkJar() {
    return Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");
  }

  /** Starts the SDK example's transformer and waits for its "listening" line. */
  static JavaProcess startTransformer(Path dir, List<String> where) {
    List<String> args = new ArrayList<>(List.of("source-transformer", "--drop", DROP));
    args.addAll(where);
    JavaProcess t = JavaProcess.start("transformer", sdkJar(), args, Map.of(), dir);
    long before = t.logText().lines().filter(l -> l.contains(" listening on ")).count();
    Await.until("the source transformer listening", Pipeline.START_TIMEOUT, () -> {
      if (!t.alive()) {
        throw new AssertionError("the source transformer exited\n" + t.logTail(20));
      }
      return t.logText().lines().filter(l -> l.contains(" listening on ")).count() > before;
    }, () -> t.logTail(20));
    return t;
  }

  @Test
  void overTcpDroppedMessagesAreAbsentAndTheRestArriveWithTheTransformersEventTime(@TempDir Path dir) throws IOException {
    int port = Ports.free(1)[0];
    run(dir, List.of("--port", String.valueOf(port)), "tcp://127.0.0.1:" + port, 3_000);
  }

  @Test
  void overAUnixSocketDroppedMessagesAreAbsentAndTheRestArriveWithTheTransformersEventTime(@TempDir Path dir) throws IOException {
    Path socket = dir.resolve("st.sock");
    Path info = dir.resolve("sourcetransformer-server-info");
    Map<String, String> env = new java.util.HashMap<>(env("unix://" + socket, 3_000, "0"));
    env.put("FLOWMESH_SOURCE_TRANSFORMER_SERVER_INFO_FILE", info.toString()); // the SDK's own file, read and checked first
    run(dir, List.of("--socket", socket.toString(), "--server-info-file", info.toString()), env, 3_000);
  }

  private void run(Path dir, List<String> where, String address, int count) throws IOException {
    run(dir, where, env(address, count, "0"), count);
  }

  private void run(Path dir, List<String> where, Map<String, String> env, int count) throws IOException {
    try (JavaProcess transformer = startTransformer(dir, where);
         Pipeline p = Pipeline.start(dir, "cat", env)) {
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("the source to report its bounded run complete", Duration.ofSeconds(90),
          () -> source.status().getBoolean("complete", false), p::logs);
      checkOutput(p, source, count);
    }
  }

  @Test
  void aTransformerKilledMidRunAndRestartedLosesNothingAndReadyzNamesItWhileItIsGone(@TempDir Path dir) throws IOException {
    int port = Ports.free(1)[0];
    List<String> where = List.of("--port", String.valueOf(port));
    int count = 6_000;
    JavaProcess transformer = startTransformer(dir, where);
    try (Pipeline p = Pipeline.start(dir, "cat", env("tcp://127.0.0.1:" + port, count, "1000"))) {
      ServiceProcess source = p.service(Vertex.SOURCE);
      Await.until("a first part of the run through the transformer", Duration.ofSeconds(60),
          () -> transformed(source) >= 1_000, p::logs);
      transformer.process().destroyForcibly();
      Await.until("the transformer gone", Duration.ofSeconds(20), () -> !transformer.alive());
      Await.until("the source's /readyz to name the unreachable source transformer", Duration.ofSeconds(60), () -> {
        Http.Response r = source.get("/readyz");
        return r.status() == 503 && r.body().contains("source transformer at tcp://127.0.0.1:" + port);
      }, p::logs);
      assertFalse(source.status().getBoolean("complete", false), "the run must not be complete before the restart");
      try (JavaProcess again = startTransformer(dir, where)) {
        source.awaitReady(Pipeline.START_TIMEOUT);
        Await.until("the source to report its bounded run complete", Duration.ofSeconds(120),
            () -> source.status().getBoolean("complete", false), p::logs);
        checkOutput(p, source, count);
      }
    } finally {
      transformer.close();
    }
  }

  private static Map<String, String> env(String address, int count, String rate) {
    return Map.of("FLOWMESH_SOURCE_COUNT", String.valueOf(count), "FLOWMESH_SOURCE_RATE", rate,
        "FLOWMESH_SOURCE_ID_PREFIX", "tx", "FLOWMESH_SOURCE_TRANSFORMER_ENABLED", "true",
        "FLOWMESH_SOURCE_TRANSFORMER_ADDRESS", address,
        "FLOWMESH_SOURCE_TRANSFORMER_RECONNECT_MAX_BACKOFF", "500ms");
  }

  private static double transformed(ServiceProcess source) {
    return MetricsText.parse(source.get("/metrics").body()).sum("flowmesh_source_transformer_transformed_total");
  }

  /** Every line once by id (duplicates allowed after a break), none dropped, event times and tags the transformer's. */
  private static void checkOutput(Pipeline p, ServiceProcess source, int count) throws IOException {
    PromText.Parsed m = MetricsText.parse(source.get("/metrics").body());
    long dropped = (long) m.sum("flowmesh_source_transformer_dropped_total");
    assertEquals(count, (long) m.sum("flowmesh_source_transformer_transformed_total"), "inputs answered by the transformer");
    assertTrue(dropped > 0 && dropped < count, "the example drops some of " + count + " values, dropped " + dropped);
    Set<String> ids = new HashSet<>();
    for (String line : Files.readAllLines(p.sinkFile(), StandardCharsets.UTF_8)) {
      JsonObject j = new JsonObject(line);
      String value = j.getString("value");
      assertFalse(value.matches("(?s)" + DROP + ".*"), "a value the transformer drops reached the sink: " + line);
      assertEquals(0, j.getLong("event_time") % 1000, "the transformer's event time (whole seconds) in " + line);
      assertTrue(j.getString("id").matches("tx-\\d+/0"), "id " + j.getString("id"));
      ids.add(j.getString("id"));
    }
    assertEquals(count - dropped, ids.size(), "distinct ids in " + p.sinkFile() + " (" + dropped + " dropped)");
  }
}
