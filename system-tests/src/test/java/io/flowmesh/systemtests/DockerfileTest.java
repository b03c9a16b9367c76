package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Dockerfile, checked without a Docker engine: stages, what it builds and copies, its user. */
class DockerfileTest {

  @Test
  void theBuildStageCompilesTheWholeReactorWithMavenOnJdk17() {
    Dockerfile.Stage build = Dockerfile.load().stage("build");
    assertTrue(build.image().startsWith("maven:") && build.image().contains("17"), build.image());
    assertEquals(List.of("/src"), build.args("WORKDIR"));
    assertTrue(build.args("COPY").contains(". ."), "copies the repository: " + build.args("COPY"));
    assertTrue(build.args("RUN").stream().anyMatch(r -> r.endsWith("mvn -B -q install -DskipTests")), build.args("RUN").toString());
  }

  @Test
  void theRuntimeIsAJre17ImageRunningAsANonRootUser() {
    Dockerfile.Stage runtime = Dockerfile.load().runtime();
    assertEquals("eclipse-temurin:17-jre", runtime.image());
    List<String> users = runtime.args("USER");
    assertFalse(users.isEmpty(), "no USER");
    String user = users.get(users.size() - 1);
    assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:"), "runs as " + user);
    assertTrue(runtime.args("RUN").stream().anyMatch(r -> r.contains("useradd") && r.contains(user)), "creates " + user);
  }

  @Test
  void everyJarTheImageHoldsIsOneTheBuildProduces() {
    Map<String, Path> copied = Dockerfile.load().copiedFromBuild();
    assertEquals(4, copied.size(), copied.toString());
    for (Vertex v : Vertex.values()) {
      assertEquals(v.jar(), copied.get("/app/" + v.jar().getFileName()), v + " jar");
    }
    assertEquals(Project.udfJar(), copied.get("/app/flowmesh-udf.jar"));
    copied.values().forEach(p -> assertTrue(Files.isRegularFile(p), p + " is not built"));
  }

  @Test
  void theToolsTheComposeHealthChecksRunAreInTheImage() {
    ComposeFile compose = ComposeFile.ofProject();
    String installs = String.join(" ", Dockerfile.load().runtime().args("RUN"));
    for (String s : List.of("udf", "source", "map", "sink")) {
      List<String> test = compose.healthcheck(s);
      assertEquals("CMD", test.get(0), s + ": exec form, no shell needed");
      String tool = test.get(1);
      switch (tool) {
        case "curl" -> assertTrue(installs.matches(".*apt-get install[^&]* curl\\b.*"), "the image installs curl");
        case "bash" -> assertTrue(Dockerfile.load().runtime().image().startsWith("eclipse-temurin:"),
            "bash is in the Ubuntu-based temurin image");
        default -> throw new AssertionError(s + " health check runs " + tool + ", which the image may not have");
      }
    }
  }

  @Test
  void theDockerignoreKeepsBuildOutputAndLocalRunsOutOfTheContext() throws IOException {
    List<String> patterns = Files.readAllLines(Project.path(".dockerignore")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertTrue(patterns.contains("**/target/") || patterns.contains("**/target"), patterns.toString());
    assertTrue(patterns.stream().anyMatch(p -> p.startsWith(".run")), patterns.toString());
    for (String needed : List.of("pom.xml", "src", "proto", "runtime", "examples")) {
      assertFalse(patterns.stream().anyMatch(p -> p.equals(needed) || p.equals(needed + "/") || p.equals("**/" + needed)),
          "the build needs " + needed);
    }
  }
}
