package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/configuration.md says exactly what each jar's keys are (the three services' and the console's) (regenerate with scripts/config-reference.sh). */
class ConfigReferenceTest {

  @Test
  void everyKeyOfEveryServiceIsInTheConfigurationReferenceWithItsDefaultAndEnvironmentName() throws Exception {
    String doc = Files.readString(Project.path("docs/configuration.md"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    Map<String, Path> jars = new LinkedHashMap<>();
    for (Vertex v : Vertex.values()) {
      jars.put(v.id(), v.jar());
    }
    jars.put("console", Project.path("console/target/flowmesh-console.jar"));
    for (Map.Entry<String, Path> jar : jars.entrySet()) {
      Process p = new ProcessBuilder(Project.java().toString(), "-jar", jar.getValue().toString(), "--help-markdown")
          .redirectErrorStream(true).start();
      String table = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), table);
      table.lines().filter(l -> l.startsWith("| `")).filter(l -> !doc.contains(l)).forEach(l -> missing.add(jar.getKey() + ": " + l));
    }
    assertTrue(missing.isEmpty(), "docs/configuration.md is stale (run scripts/config-reference.sh):\n" + String.join("\n", missing));
  }

  /**
   * A duration key with no stated range takes {@code 0} where a timer cannot fire at 0 ms and
   * {@code 9999999999h} where the code holds an int of milliseconds: each one says its bounds.
   */
  @Test
  void everyDurationKeyStatesItsRange() throws Exception {
    String doc = Files.readString(Project.path("docs/configuration.md"), StandardCharsets.UTF_8);
    List<String> unbounded = doc.lines().filter(l -> l.startsWith("| `"))
        .filter(l -> l.contains("| a number and a unit (us, ms, s, m, h), such as")).toList();
    assertTrue(unbounded.isEmpty(), "duration keys without a range (Types.durationRange):\n" + String.join("\n", unbounded));
  }
}
