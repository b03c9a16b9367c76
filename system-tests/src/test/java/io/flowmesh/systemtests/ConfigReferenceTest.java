package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/configuration.md says exactly what each jar's keys are (regenerate with scripts/config-reference.sh). */
class ConfigReferenceTest {

  @Test
  void everyKeyOfEveryServiceIsInTheConfigurationReferenceWithItsDefaultAndEnvironmentName() throws Exception {
    String doc = Files.readString(Project.path("docs/configuration.md"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (Vertex v : Vertex.values()) {
      Process p = new ProcessBuilder(Project.java().toString(), "-jar", v.jar().toString(), "--help-markdown")
          .redirectErrorStream(true).start();
      String table = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), table);
      table.lines().filter(l -> l.startsWith("| `")).filter(l -> !doc.contains(l)).forEach(l -> missing.add(v.id() + ": " + l));
    }
    assertTrue(missing.isEmpty(), "docs/configuration.md is stale (run scripts/config-reference.sh):\n" + String.join("\n", missing));
  }
}
