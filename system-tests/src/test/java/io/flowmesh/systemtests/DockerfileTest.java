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

/** The Dockerfile, checked without a Docker engine: stages, what it builds and copies, its user ({@link ComposeRunTest} builds it). */
class DockerfileTest {

  @Test
  void theBuildStagePackagesTheServiceJarsWithMavenOnJdk17() {
    Dockerfile.Stage build = Dockerfile.load().stage("build");
    assertTrue(build.image().startsWith("maven:") && build.image().contains("17"), build.image());
    assertEquals(List.of("/src"), build.args("WORKDIR"));
    assertTrue(build.args("COPY").contains(". ."), "copies the repository: " + build.args("COPY"));
    String mvn = "mvn -B -q package -DskipTests -pl \"$SERVICE_MODULES\" -am";
    List<String> runs = build.args("RUN");
    assertEquals(2, runs.size(), runs.toString());
    for (String run : runs) {
      assertTrue(run.startsWith("if [ \"$JARS\" = maven ]; then " + mvn + ";"), "the empty modules first (dependencies), then the sources: " + run);
    }
    assertTrue(build.args("ARG").contains("JARS=maven"), "compiles in the image by default: " + build.args("ARG"));
    assertTrue(build.args("ARG").contains("SERVICE_MODULES=source-service,map-service,sink-service,examples/udf-server,console"),
        build.args("ARG").toString());
  }

  /**
   * The dependency layer is built from the POMs alone, so every POM of the reactor must be
   * copied before the sources (Maven reads them all, even with -pl).
   */
  @Test
  void everyPomOfTheReactorIsCopiedBeforeTheSources() throws IOException {
    List<String> copies = Dockerfile.load().stage("build").args("COPY");
    List<String> beforeSources = copies.subList(0, copies.indexOf(". ."));
    List<String> poms = new java.util.ArrayList<>();
    reactorPoms("", poms);
    assertTrue(poms.size() >= 10, "the reactor's modules: " + poms);
    for (String pom : poms) {
      String dir = pom.contains("/") ? pom.substring(0, pom.lastIndexOf('/') + 1) : "./";
      assertTrue(beforeSources.contains(pom + " " + dir), "COPY " + pom + " " + dir + " is missing: " + beforeSources);
    }
  }

  /** The POM in {@code dir} and, recursively, those of its {@code <module>}s (standalone projects such as the UDF starter are not). */
  private static void reactorPoms(String dir, List<String> out) throws IOException {
    String pom = dir + "pom.xml";
    out.add(pom);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(Project.path(pom)));
    while (m.find()) {
      reactorPoms(dir + m.group(1).trim() + "/", out);
    }
  }

  /** docker-compose v1 builds with the classic builder by default: no BuildKit-only syntax. */
  @Test
  void theDockerfileBuildsWithTheClassicBuilder() throws IOException {
    String text = Files.readString(Dockerfile.FILE);
    assertFalse(text.contains("--mount="), "RUN --mount needs BuildKit");
    assertFalse(text.lines().anyMatch(l -> l.startsWith("# syntax=")), "a syntax line makes BuildKit pull a frontend image");
  }

  /** The base images are build args whose defaults are the official images, in both files. */
  @Test
  @SuppressWarnings("unchecked")
  void theComposeBuildArgsDefaultToTheDockerfilesOfficialBaseImages() {
    Map<String, String> args = Dockerfile.load().globalArgs();
    assertEquals(Map.of("MAVEN_IMAGE", "maven:3.9-eclipse-temurin-17", "JRE_IMAGE", "eclipse-temurin:17-jre"), args);
    ComposeFile compose = ComposeFile.ofProject();
    for (String s : List.of("udf", "source", "map", "sink")) {
      Map<String, Object> build = (Map<String, Object>) compose.service(s).get("build");
      Map<String, Object> expected = new java.util.HashMap<>(args);
      expected.put("JARS", "maven");
      assertEquals(expected, build.get("args"), s + " build args (their defaults, with no variable set)");
    }
    assertEquals("prom/prometheus:v2.55.1", compose.service("prometheus").get("image"));
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
    assertEquals(5, copied.size(), copied.toString());
    for (Vertex v : Vertex.values()) {
      assertEquals(v.jar(), copied.get("/app/" + v.jar().getFileName()), v + " jar");
    }
    assertEquals(Project.udfJar(), copied.get("/app/flowmesh-udf.jar"));
    assertEquals(Project.path("console/target/flowmesh-console.jar"), copied.get("/app/flowmesh-console.jar"));
    copied.values().forEach(p -> assertTrue(Files.isRegularFile(p), p + " is not built"));
  }

  @Test
  void theMapServiceOfComposeRunsWithTheMapVertexJvmOptionsFileTheImageHolds() {
    List<String> copies = Dockerfile.load().runtime().args("COPY");
    assertTrue(copies.contains("map-service/jvm.options /app/map-service.jvm.options"), "the image holds them: " + copies);
    Map<String, String> env = ComposeFile.ofProject().environment("map");
    assertEquals("@/app/map-service.jvm.options", env.get("JDK_JAVA_OPTIONS"), "map's JDK_JAVA_OPTIONS");
    assertEquals("2", env.get("MALLOC_ARENA_MAX"), "map's MALLOC_ARENA_MAX");
    assertTrue(Files.isRegularFile(Project.path("map-service/jvm.options")));
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

  @Test
  void everyJarAPrebuiltImageTakesFromTargetIsLetBackIntoTheContext() throws IOException {
    List<String> patterns = Files.readAllLines(Project.path(".dockerignore")).stream().map(String::strip).toList();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[\\w./-]+/target/[\\w.-]+\\.jar")
        .matcher(Files.readString(Project.path("Dockerfile")));
    List<String> jars = new java.util.ArrayList<>();
    while (m.find()) {
      if (!m.group().startsWith("/")) { // a path in the build context, not in the build stage's file system
        jars.add(m.group());
      }
    }
    assertFalse(jars.isEmpty(), "the Dockerfile names no jar under a target/ directory");
    for (String jar : jars) {
      assertTrue(patterns.contains("!" + jar), ".dockerignore keeps out **/target/ but does not let " + jar
          + " back in ('!" + jar + "'): a JARS=prebuilt image build fails on it");
    }
  }
}
