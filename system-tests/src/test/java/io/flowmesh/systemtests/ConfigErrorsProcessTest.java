package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees from the real jars when the configuration is wrong: every problem once, exit
 * 2; another service's flag refused naming that service; other services' keys in the environment
 * or the file ignored, said once at INFO; what no service reads warned once.
 */
class ConfigErrorsProcessTest {

  @TempDir
  Path dir;

  /** Runs so far: each gets its own log file. */
  private int runs;

  /** Runs a jar that must refuse its configuration; returns its output lines. */
  private List<String> refused(Vertex v, List<String> args, Map<String, String> env) {
    try (JavaProcess p = JavaProcess.start(v.id() + "-refused-" + (++runs), v.jar(), args, env, dir)) {
      assertTrue(p.waitFor(Duration.ofSeconds(60)), () -> v + " did not exit\n" + p.logTail(20));
      assertEquals(2, p.process().exitValue(), () -> p.logTail(20));
      return p.logText().lines().toList();
    }
  }

  @Test
  void eachProblemIsPrintedExactlyOnceAndTheServiceExitsWith2() {
    assertEquals(List.of(
        "map: invalid configuration:",
        "  udf.timeout='5' (from --udf.timeout): a duration needs a unit: 5s, 500ms, 2m (units: us, ms, s, m, h)",
        "  map.batch-size='-1' (from --map.batch-size): allowed is an integer from 1 to 100000"),
        refused(Vertex.MAP, List.of("--map.batch-size=-1", "--udf.timeout=5"), Map.of()));
  }

  @Test
  void aBrokenOrMissingConfigFileSaysWhereOrWhy() throws Exception {
    Path bad = dir.resolve("pipeline.yaml");
    Files.writeString(bad, "sink:\n  type: file\n  path: [unclosed\n");
    assertEquals(List.of("sink: invalid configuration:",
        "  config file " + bad + " is not valid YAML: line 4, column 1: expected ',' or ']', but got <stream end>"
            + " (while parsing a flow sequence at line 3, column 9)"),
        refused(Vertex.SINK, List.of("--config", bad.toString()), Map.of()));
    Path missing = dir.resolve("missing.yaml");
    assertEquals(List.of("sink: invalid configuration:", "  config file " + missing + " cannot be read: no such file"),
        refused(Vertex.SINK, List.of(), Map.of("FLOWMESH_CONFIG", missing.toString())));
  }

  @Test
  void otherServicesKeysAreIgnoredAsVariablesOrInTheFileSaidOnceAndWhatNoServiceReadsIsWarnedOnce() throws Exception {
    Path shared = dir.resolve("shared.yaml");
    Files.writeString(shared, "source:\n  rate: 100\nmap:\n  http:\n    port: 9999\n");
    Map<String, String> env = Map.of("FLOWMESH_SORCE_RATE", "5", "FLOWMESH_MAP_MODE", "batch-map", "FLOWMESH_SINK_PAHT", "/x",
        "FLOWMESH_CONFIG", shared.toString());
    List<String> args = List.of("--source.http.port=0", "--source.edge.port=0");
    try (JavaProcess p = JavaProcess.start("source-tolerant", Vertex.SOURCE.jar(), args, env, dir)) {
      p.awaitLog("source started", Duration.ofSeconds(60));
      List<String> warnings = p.logText().lines().filter(l -> l.contains("no Flowmesh service reads")).toList();
      assertEquals(1, warnings.size(), p.logText());
      assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
      assertTrue(warnings.get(0).endsWith("ignoring what no Flowmesh service reads: FLOWMESH_SINK_PAHT (did you mean"
          + " FLOWMESH_SINK_PATH?), FLOWMESH_SORCE_RATE (did you mean FLOWMESH_SOURCE_RATE?)"), warnings.get(0));
      List<String> others = p.logText().lines().filter(l -> l.contains("other services' settings")).toList();
      assertEquals(1, others.size(), p.logText());
      assertTrue(others.get(0).contains(" INFO "), others.get(0));
      assertTrue(others.get(0).endsWith("source: not reading other services' settings (map-service: 'map.http.port' in " + shared
          + ", FLOWMESH_MAP_MODE)"), others.get(0));
      assertEquals(143, p.terminate(Duration.ofSeconds(30)).exitCode(), p.logTail(20));
    }
  }

  @Test
  void anotherServicesFlagIsRefusedNamingTheServiceThatReadsIt() {
    assertEquals(List.of("map: invalid configuration:",
        "  --sink.retry-backoff is a sink-service key; this is map-service",
        "  --source.rate is a source-service key; this is map-service"),
        refused(Vertex.MAP, List.of("--check", "--sink.retry-backoff=1s", "--source.rate=5"), Map.of()));
  }

  @Test
  void checkValidatesWithoutStartingAndAStartFailureNamesTheServiceOnce() throws Exception {
    assertEquals(List.of("map: invalid configuration:",
        "  map.batch-size='-1' (from --map.batch-size): allowed is an integer from 1 to 100000"),
        refused(Vertex.MAP, List.of("--map.batch-size=-1", "--check"), Map.of()));
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        JavaProcess p = JavaProcess.start("source-port-taken", Vertex.SOURCE.jar(), List.of("--vertex.name=in",
            "--source.edge.port=" + taken.getLocalPort(), "--source.http.port=" + taken.getLocalPort()), Map.of(), dir)) {
      assertTrue(p.waitFor(Duration.ofSeconds(60)), () -> p.logTail(20));
      assertEquals(1, p.process().exitValue(), () -> p.logTail(20));
      List<String> errors = p.logText().lines().filter(l -> l.contains(" ERROR ")).toList();
      assertEquals(1, errors.size(), p.logText());
      assertTrue(errors.get(0).contains("in failed to start: "), errors.get(0));
      assertEquals(1, errors.get(0).split("failed to start", -1).length - 1, "said once: " + errors.get(0));
    }
  }
}
