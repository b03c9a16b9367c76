package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A spec's {@code metadata.namespace}: the Helm rendering says to install into it (the chart takes
 * its namespace from {@code helm --namespace}); a local run, a dry run and compose say once that
 * they ignore it.
 */
class NamespaceCommandTest {

  private static final String IGNORED_LOCALLY = "flowmesh-pipeline: metadata.namespace 'team-a' has no meaning for a local run; ignored";
  private static final String IGNORED_IN_COMPOSE = "flowmesh-pipeline: metadata.namespace 'team-a' has no meaning in compose; ignored";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** The even-odd example with {@code metadata.namespace: team-a}, as {@code dir/even-odd.yaml}. */
  private static Path namespaced(Path dir) throws IOException {
    String text = Files.readString(Path.of("..", "examples", "pipelines", "even-odd.yaml"))
        .replace("  name: even-odd\n", "  name: even-odd\n  namespace: team-a\n");
    assertTrue(text.contains("namespace: team-a"), text);
    return Files.writeString(dir.resolve("even-odd.yaml"), text);
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private long count(String line) {
    return output().lines().filter(line::equals).count();
  }

  @Test
  void helmValuesOfANamespacedSpecSayToInstallWithThatNamespace(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("v.yml");
    assertEquals(0, RenderCommandTest.run(out, "--render", "helm-values", "--out", values.toString(), namespaced(dir).toString()),
        output());
    assertTrue(output().contains("; helm upgrade --install even-odd deploy/helm/flowmesh --namespace team-a --create-namespace -f " + values
        + " --set edgeToken.value=...)"), output());
    assertTrue(Files.readString(values).contains("#   helm upgrade --install even-odd deploy/helm/flowmesh --namespace team-a --create-namespace -f THIS-FILE\n"),
        Files.readString(values));
  }

  @Test
  void aDryRunOfANamespacedSpecSaysOnceThatALocalRunIgnoresIt(@TempDir Path dir) throws IOException {
    assertEquals(0, RenderCommandTest.run(out, "--dry-run", namespaced(dir).toString()), output());
    assertEquals(1, count(IGNORED_LOCALLY), output());
    assertTrue(output().startsWith(IGNORED_LOCALLY + "\nPipeline 'even-odd': "), output());
  }

  @Test
  void aComposeRenderOfANamespacedSpecSaysOnceThatComposeIgnoresIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.yml");
    assertEquals(0, RenderCommandTest.run(out, "--render", "compose", "--out", file.toString(), namespaced(dir).toString()), output());
    assertEquals(1, count(IGNORED_IN_COMPOSE), output());
    assertTrue(Files.readString(file).contains("# metadata.namespace 'team-a' has no meaning in compose; ignored.\n"));
  }

  @Test
  void aComposeFileOnStandardOutputSaysItInItsHeaderAndStaysYaml(@TempDir Path dir) throws IOException {
    assertEquals(0, RenderCommandTest.run(out, "--render", "compose", namespaced(dir).toString()), output());
    assertFalse(output().contains(IGNORED_IN_COMPOSE), output());
    assertTrue(output().contains("# metadata.namespace 'team-a' has no meaning in compose; ignored.\n"), output());
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(output());
    assertTrue(root.containsKey("services"), output());
  }
}
