package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmesh-pipeline.jar --render helm-values} (what scripts/run-spec.sh runs), as a process. */
class RenderCommandTest {

  @TempDir
  Path dir;

  private record Result(int exit, String output) {
  }

  private Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Repo.path("pipeline/target/flowmesh-pipeline.jar").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command ends");
    return new Result(p.exitValue(), out);
  }

  @Test
  void rendersTheValuesTheChartInstallsToAFileOrStandardOutput() throws Exception {
    Path spec = Repo.example("three-maps");
    Path out = dir.resolve("three-maps.values.yaml");
    Result written = run("--render", "helm-values", "--out", out.toString(), spec.toString());
    assertEquals(0, written.exit(), written.output());
    assertTrue(written.output().contains("wrote " + out + " (pipeline 'three-maps', 5 vertices; helm upgrade --install three-maps"),
        written.output());
    assertEquals(PipelineValues.render(spec), Files.readString(out), "the renderer's values, as the tests render them");
    Result printed = run("--render", "helm-values", spec.toString());
    assertEquals(0, printed.exit(), printed.output());
    assertEquals(PipelineValues.render(spec), printed.output());
    Rendered r = Rendered.of("three-maps", "pipelines", List.of(out, Files.writeString(dir.resolve("t.yaml"), "edgeToken: {value: t}\n")));
    assertEquals(5, r.deployments().size(), "the chart installs the file as written");
  }

  @Test
  void anUnknownFormatIsRefusedNamingTheOnesThereAre() throws Exception {
    Result r = run("--render", "manifests", Repo.example("three-maps").toString());
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("--render takes compose or helm-values, not 'manifests'"), r.output());
  }
}
