package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every jar we ship answers {@code --help} and {@code --version} with exit status 0, starting nothing. */
class JarOptionsTest {

  private static final Path UDF_JAR = Project.udfJar();
  private static final Path SDK_UDF_JAR = Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");

  /** The project version, from the root POM. */
  static String projectVersion() throws IOException {
    String pom = Files.readString(Project.path("pom.xml"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<artifactId>flowmesh-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "no version in the root pom.xml");
    return m.group(1);
  }

  /** Runs {@code java -jar jar args...}; returns its exit status and output. */
  static String[] run(Path jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Project.java().toString(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ProcessReaper.register(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not exit: " + out);
    return new String[] {String.valueOf(p.exitValue()), out};
  }

  private static String ok(Path jar, String... args) throws Exception {
    String[] r = run(jar, args);
    assertEquals("0", r[0], jar.getFileName() + " " + String.join(" ", args) + " exit status; output:\n" + r[1]);
    return r[1];
  }

  @Test
  void theExampleUdfJarAnswersHelpAndVersionAlsoAfterAnExampleName() throws Exception {
    String version = projectVersion();
    assertTrue(ok(UDF_JAR, "--help").contains("usage: java -jar flowmesh-udf.jar <cat|uppercase|"), "flowmesh-udf.jar --help");
    assertEquals("flowmesh-udf " + version + " (flowmesh-udf-server " + version + ")", ok(UDF_JAR, "--version").strip());

    String help = ok(UDF_JAR, "uppercase", "--help");
    assertFalse(help.contains("needs a value"), help);
    assertTrue(help.contains("--mode MODE") && help.contains("unary-map (alias map), batch-map or stream-map"), help);
    assertTrue(help.contains("Options of uppercase:\n  (none)"), help);
    String flatmap = ok(UDF_JAR, "flatmap", "-h");
    assertTrue(flatmap.contains("--separator") && flatmap.contains("(default ,)"), flatmap);
    assertEquals("udf latency " + version + " (flowmesh-udf-server " + version + ")", ok(UDF_JAR, "latency", "--version").strip());
  }

  @Test
  void theNumaflowSdkUdfJarAnswersHelpAndVersion() throws Exception {
    assertTrue(ok(SDK_UDF_JAR, "--help").contains("usage: java -jar numaflow-sdk-udf.jar <unary-map|batch-map>"));
    assertTrue(ok(SDK_UDF_JAR, "--version").startsWith("numaflow-sdk-udf " + projectVersion() + " "));
  }

  @Test
  void theServiceJarsAnswerHelpAndVersion() throws Exception {
    String version = projectVersion();
    for (Vertex v : Vertex.values()) {
      String help = ok(v.jar(), "--help");
      assertTrue(help.contains("Usage: java -jar " + v.id() + "-service.jar") && help.contains("--version"), help);
      assertEquals(v.id() + "-service " + version, ok(v.jar(), "--version").strip());
    }
  }

  @Test
  void theConsoleJarAnswersHelpAndVersionAndRefusesABadKeyWithStatus2() throws Exception {
    Path jar = Project.path("console/target/flowmesh-console.jar");
    String help = ok(jar, "--help");
    assertTrue(help.contains("Usage: java -jar flowmesh-console.jar") && help.contains("console.port"), help);
    assertEquals("flowmesh-console " + projectVersion(), ok(jar, "--version").strip());
    String[] bad = run(jar, "--console.port=seventy");
    assertEquals("2", bad[0], bad[1]);
    assertTrue(bad[1].contains("console: invalid configuration:") && bad[1].contains("console.port"), bad[1]);
  }
}
