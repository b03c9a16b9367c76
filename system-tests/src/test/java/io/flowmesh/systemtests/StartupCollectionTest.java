package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service runs one full collection after start-up and before its HTTP endpoints listen (so
 * before {@code /livez} answers), the example UDF before its server listens (so before its {@code
 * listening on} line): what start-up left live is old at once and the young collections of the
 * first minutes do not copy it again and again (BENCHMARKS.md: 25–74 ms young pauses at 1,000
 * requests/s without it). Read from the JVM's own GC log of real processes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StartupCollectionTest {

  private static final String EXPLICIT_FULL = "Pause Full (System.gc())";

  @Test
  void aServiceRunsOneFullCollectionBeforeItsEndpointsAnswer(@TempDir Path dir) {
    int[] ports = Ports.free(2);
    Map<String, String> env = new HashMap<>();
    env.put("FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(ports[0]));
    env.put("FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(ports[1]));
    env.put("FLOWMESH_SOURCE_TYPE", "http");
    Path gcLog = dir.resolve("source-gc.log");
    try (ServiceProcess source = ServiceProcess.start(Vertex.SOURCE, env, dir, withGcLog(gcLog))) {
      source.awaitListening(Pipeline.START_TIMEOUT);
      assertEquals(1, count(gcLog, EXPLICIT_FULL), "one explicit full collection logged by the time /livez answers:\n"
          + read(gcLog));
    }
  }

  @Test
  void theExampleUdfRunsOneFullCollectionBeforeItSaysItListens(@TempDir Path dir) {
    Path gcLog = dir.resolve("udf-gc.log");
    try (JavaProcess udf = JavaProcess.start("udf", Project.udfJar(), withGcLog(gcLog),
        List.of("cat", "--address", "tcp://127.0.0.1:" + Ports.free()), Map.of(), dir)) {
      udf.awaitLog(" listening on ", Pipeline.START_TIMEOUT);
      assertEquals(1, count(gcLog, EXPLICIT_FULL), "one explicit full collection logged before 'listening on':\n"
          + read(gcLog));
    }
  }

  private static List<String> withGcLog(Path gcLog) {
    List<String> options = new ArrayList<>(JavaProcess.JVM_OPTIONS);
    options.add("-Xlog:gc:file=" + gcLog);
    return options;
  }

  private static long count(Path file, String text) {
    return read(file).lines().filter(l -> l.contains(text)).count();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "(no GC log at " + file + ")";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
