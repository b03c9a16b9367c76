package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code --render compose [--out FILE]}: the file, its build context relative to it, and the command line's mistakes. */
class RenderCommandTest {

  private static final Path EVEN_ODD = Path.of("..", "examples", "pipelines", "even-odd.yaml");

  /** Main with this repository as its root and a configuration check that finds nothing. */
  static int run(ByteArrayOutputStream out, String... args) {
    String before = System.getProperty("flowmesh.root");
    System.setProperty("flowmesh.root", Path.of("..").toAbsolutePath().normalize().toString());
    try {
      return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), (targets, dir) -> List.of()); // the jars: CheckCommandTest
    } finally {
      if (before == null) {
        System.clearProperty("flowmesh.root");
      } else {
        System.setProperty("flowmesh.root", before);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void writesTheComposeFileWithTheRepositoryAsItsBuildContextRelativeToIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sub").resolve("c.yml");
    Files.createDirectories(file.getParent());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, run(out, "--render", "compose", "--out", file.toString(), "--set", "in:source.count=7", EVEN_ODD.toString()),
        out.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("flowmesh-pipeline: wrote " + file), out.toString(StandardCharsets.UTF_8));
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) root.get("services");
    String context = (String) ((Map<String, Object>) services.get("in").get("build")).get("context");
    Path resolved = file.getParent().resolve(context).normalize();
    assertEquals(Path.of("..").toAbsolutePath().normalize(), resolved, "the build context " + context + " from " + file.getParent());
    assertTrue(Files.isRegularFile(resolved.resolve("Dockerfile")));
    assertEquals("7", ((Map<String, Object>) services.get("in").get("environment")).get("FLOWMESH_SOURCE_COUNT"), "--set applies");
  }

  @Test
  void anUnknownFormatAndOutWithoutRenderAreCommandLineErrors() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(2, run(out, "--render", "helm", EVEN_ODD.toString()));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("flowmesh-pipeline: --render takes compose or helm-values, not 'helm'"),
        out.toString(StandardCharsets.UTF_8));
    out.reset();
    assertEquals(2, run(out, "--out", "x.yml", EVEN_ODD.toString()));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("flowmesh-pipeline: --out goes with --render"), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anOutFileInAFolderThatDoesNotExistIsRefusedNamingTheFileAndTheMissingFolder(@TempDir Path dir) {
    Path file = dir.resolve("missing").resolve("c.yml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(1, run(out, "--render", "compose", "--out", file.toString(), EVEN_ODD.toString()));
    assertEquals("flowmesh-pipeline: cannot write " + file + ": no such directory " + file.getParent() + "\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anOutFileUnderARegularFileIsRefusedSayingItIsNotADirectory(@TempDir Path dir) throws IOException {
    Path notADir = Files.writeString(dir.resolve("plain"), "x");
    Path file = notADir.resolve("v.yml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(1, run(out, "--render", "helm-values", "--out", file.toString(), EVEN_ODD.toString()));
    assertEquals("flowmesh-pipeline: cannot write " + file + ": " + notADir + " is not a directory\n", out.toString(StandardCharsets.UTF_8));
  }

  /** Root may write anywhere, so the refusal itself is not produced here: only its wording. */
  @Test
  void aFolderWithoutWritePermissionIsNamedAsTheReason(@TempDir Path dir) {
    Path file = dir.resolve("c.yml");
    assertEquals("no permission to write in " + dir, Render.whyNot(file, new AccessDeniedException(file.toString())));
  }
}
