package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConfigCheck}: the checks run together, every problem of every one kept, under its vertex. */
class ConfigCheckTest {

  private static ConfigCheck.Target sh(String name, String label, String script) {
    return new ConfigCheck.Target(name, label, List.of("sh", "-c", script), Map.of());
  }

  @Test
  void everyProblemOfEveryProcessIsReportedUnderItsVertex(@TempDir Path dir) {
    List<String> problems = ConfigCheck.problems(List.of(
        sh("in", "vertex 'in'", "printf 'source: invalid configuration:\\n  source.count='\\''lots'\\'' (from the config file): allowed is"
            + " an integer\\n  source.msg-size='\\''-5'\\'' (from the config file): allowed is 0 to 1GiB\\n' >&2; exit 2"),
        sh("cat", "vertex 'cat'", "echo 'map: configuration of vertex cat is valid'"),
        sh("up-udf", "vertex 'up': udf.builtin", "echo \"flowmesh-udf: unknown UDF 'upcase' (the examples: cat)\" >&2;"
            + " echo 'usage: java -jar flowmesh-udf.jar <cat>' >&2; exit 2")), dir);
    assertEquals(List.of("vertex 'in': source.count='lots': allowed is an integer",
        "vertex 'in': source.msg-size='-5': allowed is 0 to 1GiB",
        "vertex 'up': udf.builtin: flowmesh-udf: unknown UDF 'upcase' (the examples: cat)"), problems);
  }

  @Test
  void theChecksRunAtTheSameTime(@TempDir Path dir) {
    long start = System.nanoTime();
    List<String> problems = ConfigCheck.problems(List.of(sh("a", "vertex 'a'", "sleep 2"), sh("b", "vertex 'b'", "sleep 2"),
        sh("c", "vertex 'c'", "sleep 2")), dir);
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(List.of(), problems);
    assertTrue(seconds < 5, "three 2 s checks took " + seconds + " s");
  }

  @Test
  void anotherExitStatusIsReportedWithTheOutputsEnd() {
    assertEquals(List.of("vertex 'in': the check of its configuration exited with status 1: Error: Unable to access jarfile x.jar"),
        ConfigCheck.report("vertex 'in'", 1, "Error: Unable to access jarfile x.jar\n"));
  }

  @Test
  void aMissingJarIsOneLineAndNothingRuns(@TempDir Path dir) {
    Path jar = dir.resolve("source-service.jar");
    assertEquals(List.of("missing " + jar + ": build first (mvn -B -q package -DskipTests)"), ConfigCheck.problems(List.of(
        new ConfigCheck.Target("in", "vertex 'in'", List.of("java", "-jar", jar.toString(), "--check"), Map.of()),
        new ConfigCheck.Target("in-2", "vertex 'in'", List.of("java", "-jar", jar.toString(), "--check"), Map.of())), dir));
  }
}
