package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's walk of docs/writing-a-udf.md, command for command: in a copy of the checkout,
 * install the UDF library into a clean, separate local Maven repository; copy
 * {@code examples/udf-starter} to a folder of its own and build it with {@code mvn package}
 * against that repository; then run its jar as the UDF of a real pipeline and check every
 * element came through it. Needs Maven Central (everything is downloaded afresh): a few minutes.
 */
class UdfStarterTest {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
  private static final int COUNT = 2_000;
  private static final String PREFIX = "starter";
  /** Folders a copy leaves out: build output and version control. */
  private static final Set<String> SKIPPED = Set.of("target", ".git", "node_modules");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  @Timeout(value = 35, unit = TimeUnit.MINUTES)
  void theStarterBuildsFromACleanRepositoryAndItsJarMapsAPipeline() throws Exception {
    Path repo = dir.resolve("m2");
    Path checkout = copy(Project.root(), dir.resolve("flowmesh"));
    mvn(checkout, "install-library", "-B", "-q", "install", "-DskipTests", "-pl", "examples/udf-server", "-am",
        "-Dmaven.repo.local=" + repo);
    assertTrue(Files.isDirectory(repo.resolve("io/flowmesh/flowmesh-udf-server")), "the library is not in " + repo);

    Path myUdf = copy(checkout.resolve("examples/udf-starter"), dir.resolve("my-udf"));
    mvn(myUdf, "package-starter", "-B", "-q", "package", "-Dmaven.repo.local=" + repo);
    Path jar = myUdf.resolve("target/my-udf.jar");
    assertTrue(Files.isRegularFile(jar), jar + " was not built");

    String version = JarOptionsTest.projectVersion();
    String[] v = JarOptionsTest.run(jar, "--version");
    assertEquals("0", v[0], v[1]);
    assertEquals("udf tag-by-length 1.0.0-SNAPSHOT (flowmesh-udf-server " + version + ")", v[1].strip());
    String[] help = JarOptionsTest.run(jar, "--help");
    assertEquals("0", help[0], help[1]);
    assertTrue(help[1].contains("--long-from") && help[1].contains("(default 10)"), help[1]);

    try (Pipeline p = Pipeline.startWithUdfJar(dir, jar, Map.of("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "0", "FLOWMESH_SOURCE_MSG_SIZE", "32", "FLOWMESH_SOURCE_ID_PREFIX", PREFIX))) {
      RunOutcome.awaitComplete(p, Duration.ofSeconds(120));
      p.close();
      RunOutcome out = RunOutcome.read(p, PREFIX, COUNT);
      out.assertNothingLost();
      Map<String, String> values = SinkFile.read(p.sinkFile()).values();
      long changed = values.values().stream().filter(s -> s.chars().anyMatch(Character::isLetter)).count();
      assertTrue(changed > 0, "no value has a letter to upper-case: " + values.values().stream().limit(3).toList());
      values.forEach((id, value) -> assertEquals(value.toUpperCase(Locale.ROOT), value, "the value of " + id));
    }
  }

  /** Runs {@code mvn args...} in {@code where}; its output goes to {@code dir/<log>.log}. */
  private void mvn(Path where, String log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("mvn"));
    command.addAll(List.of(args));
    Path logFile = dir.resolve(log + ".log");
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true)
        .redirectOutput(logFile.toFile()).start();
    ProcessReaper.register(p);
    if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " in " + where + " took over " + BUILD_TIMEOUT + "; log " + logFile);
    }
    String output = Files.readString(logFile);
    assertEquals(0, p.exitValue(), String.join(" ", command) + " in " + where + " failed:\n"
        + output.substring(Math.max(0, output.length() - 4000)));
    System.out.printf("%s took %.0f s%n", String.join(" ", command), (System.nanoTime() - start) / 1e9);
  }

  /** Copies a folder tree, leaving out build output and version control. */
  private static Path copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      files.filter(f -> from.relativize(f).toString().isEmpty() || SKIPPED.stream().noneMatch(s -> contains(from.relativize(f), s)))
          .forEach(f -> {
            Path target = to.resolve(from.relativize(f).toString());
            try {
              if (Files.isDirectory(f)) {
                Files.createDirectories(target);
              } else if (Files.isRegularFile(f)) {
                Files.copy(f, target);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  private static boolean contains(Path relative, String name) {
    for (Path part : relative) {
      if (part.toString().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
