package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration check before anything starts, in {@code --dry-run}, {@code --render} and a
 * run: what each process is checked with (its own jar, {@code --check}, the config file its start
 * gets) and that a problem refuses the spec with exit status 2. The real jars' answers:
 * system-tests' RunSpecTest.
 */
class CheckCommandTest {

  private static final Path EVEN_ODD = Path.of("..", "examples", "pipelines", "even-odd.yaml");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  /** What the checker was given, with each config file's text as it was at the check. */
  private final List<ConfigCheck.Target> seen = new ArrayList<>();
  private final List<String> configs = new ArrayList<>();

  private int run(List<String> problems, String... args) {
    String before = System.getProperty("flowmesh.root");
    System.setProperty("flowmesh.root", Path.of("..").toAbsolutePath().normalize().toString());
    try {
      return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), (targets, dir) -> {
        seen.addAll(targets);
        for (ConfigCheck.Target t : targets) {
          int i = t.command().indexOf("--config");
          try {
            configs.add(i < 0 ? null : Files.readString(Path.of(t.command().get(i + 1))));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }
        return problems;
      });
    } finally {
      if (before == null) {
        System.clearProperty("flowmesh.root");
      } else {
        System.setProperty("flowmesh.root", before);
      }
    }
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aDryRunChecksEveryVertexWithItsOwnJarAndTheConfigItsStartGetsAndTheBuiltinUdf() {
    assertEquals(0, run(List.of(), "--dry-run", "--set", "in:source.count=77", EVEN_ODD.toString()), output());
    assertEquals(List.of("vertex 'in'", "vertex 'even-or-odd'", "vertex 'even-sink'", "vertex 'odd-sink'", "vertex 'even-or-odd': udf.builtin"),
        seen.stream().map(ConfigCheck.Target::label).toList());
    for (ConfigCheck.Target t : seen) {
      assertEquals("--check", t.command().get(t.command().size() - 1), t.command().toString());
    }
    assertTrue(seen.get(0).command().get(seen.get(0).command().indexOf("-jar") + 1).endsWith("source-service/target/source-service.jar"));
    assertTrue(configs.get(0).contains("'source.count': '77'"), configs.get(0));
    assertTrue(configs.get(0).contains("'vertex.name': 'in'"), configs.get(0));
    assertEquals(Map.of("FLOWMESH_EDGE_TOKEN", seen.get(0).env().get("FLOWMESH_EDGE_TOKEN")), seen.get(0).env());
    assertTrue(configs.get(2).matches("(?s).*'sink.path': '/.+/even.ndjson'.*"), "${run} is a folder: " + configs.get(2));
    List<String> udf = seen.get(4).command();
    assertTrue(udf.get(udf.indexOf("-jar") + 1).endsWith("examples/udf-server/target/flowmesh-udf.jar"), udf.toString());
    assertEquals("even-odd", udf.get(udf.indexOf("-jar") + 2), udf.toString());
    assertTrue(output().startsWith("Pipeline 'even-odd'"), output());
  }

  @Test
  void everyProblemRefusesADryRunWithStatus2() {
    assertEquals(2, run(List.of("vertex 'in': source.count='lots': no", "vertex 'even-sink': sink.max-file-bytes='x': no"),
        "--dry-run", EVEN_ODD.toString()));
    assertEquals("flowmesh-pipeline: " + EVEN_ODD + ": 2 problems:\n  vertex 'in': source.count='lots': no\n"
        + "  vertex 'even-sink': sink.max-file-bytes='x': no\n", output());
  }

  @Test
  void aRefusedRunStartsNothingAndLeavesNoRunFolder(@TempDir Path dir) {
    Path runDir = dir.resolve("run");
    assertEquals(2, run(List.of("vertex 'in': source.count='lots': no"), "--no-console", "--run-dir", runDir.toString(),
        EVEN_ODD.toString()));
    assertTrue(output().startsWith("flowmesh-pipeline: " + EVEN_ODD + ": 1 problem:\n  vertex 'in': source.count='lots': no\n"), output());
    assertFalse(output().contains("starting"), output());
    assertTrue(seen.get(0).command().contains(runDir.toAbsolutePath().resolve("in.yaml").toString()),
        "checked with the run's own config file: " + seen.get(0).command());
    assertFalse(Files.exists(runDir), "the run folder is removed when nothing ran");
  }

  @Test
  void aRenderIsCheckedWithTheContainersSettingsAndRefusedWithoutWritingTheFile(@TempDir Path dir) {
    Path file = dir.resolve("c.yml");
    assertEquals(2, run(List.of("vertex 'in': source.count='lots': no"), "--render", "compose", "--out", file.toString(),
        EVEN_ODD.toString()));
    assertEquals("flowmesh-pipeline: " + EVEN_ODD + ": 1 problem:\n  vertex 'in': source.count='lots': no\n", output());
    assertFalse(Files.exists(file));
    assertTrue(configs.get(0).contains("'bind.host': '0.0.0.0'"), configs.get(0));
    assertTrue(seen.stream().anyMatch(t -> t.label().equals("vertex 'even-or-odd': udf.builtin")
        && t.command().contains("tcp://0.0.0.0:50051")), seen.toString());
  }

  /** A file a rendered setting names is the container's (mounted from a secret): not on this machine, and not a problem. */
  @Test
  void aRenderIsNotRefusedForAFileThisMachineDoesNotHave(@TempDir Path dir) {
    Path file = dir.resolve("c.yml");
    assertEquals(0, run(List.of("vertex 'in': tls.cert='/etc/flowmesh/tls/tls.crt'" + io.flowmesh.runtime.tls.TlsOptions.NO_READABLE_FILE),
        "--render", "compose", "--out", file.toString(), EVEN_ODD.toString()), output());
    assertTrue(Files.exists(file));
  }

  /** The even-odd example under another file name and pipeline name: {@code dir/p.yaml}, {@code metadata.name: my-pipe}. */
  private static Path renamed(Path dir, String replace, String with) throws IOException {
    String text = Files.readString(EVEN_ODD).replace("name: even-odd\n", "name: my-pipe\n").replace(replace, with);
    return Files.writeString(dir.resolve("p.yaml"), text);
  }

  @Test
  void aRefusedDryRunNamesTheSpecFileAndThePipelineWhoseNameIsNotTheFiles(@TempDir Path dir) throws IOException {
    Path spec = renamed(dir, "", "");
    assertEquals(2, run(List.of("vertex 'in': source.count='lots': no"), "--dry-run", spec.toString()));
    assertEquals("flowmesh-pipeline: " + spec + " (pipeline 'my-pipe'): 1 problem:\n  vertex 'in': source.count='lots': no\n", output());
  }

  @Test
  void aPortRefusedInTranslationOrInTheDeploymentModelNamesTheSpecFile(@TempDir Path dir) throws IOException {
    Path spec = renamed(dir, "duration: 1s\n", "duration: 1s\n      settings: {source.http.port: 70000}\n");
    String expected = "flowmesh-pipeline: " + spec + " (pipeline 'my-pipe'): 1 problem:\n"
        + "  vertex 'in': settings source.http.port='70000' is not a port (1 to 65535)\n";
    assertEquals(2, run(List.of(), "--dry-run", spec.toString()), output());
    assertEquals(expected, output());
    out.reset();
    assertEquals(2, run(List.of(), "--render", "helm-values", spec.toString()), output());
    assertEquals(expected, output());
  }
}
