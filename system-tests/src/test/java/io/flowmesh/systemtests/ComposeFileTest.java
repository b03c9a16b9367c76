package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docker-compose.yml, checked without a Docker engine against what the build produces and what
 * the services really read and serve (keys from each jar's {@code --help}). {@link ComposeRunTest}
 * runs it.
 */
class ComposeFileTest {

  private static final ComposeFile COMPOSE = ComposeFile.ofProject();
  private static final String UDF_MAIN = "io.flowmesh.examples.Main";

  /** The value the service runs with for {@code key}: the compose environment's, else the jar's default. */
  static int effectivePort(ComposeFile compose, Vertex v, String key) {
    String set = compose.environment(v.id()).get(Keys.envName(key));
    return Integer.parseInt(set != null ? set : Keys.key(v, key).defaultValue());
  }

  /** The port in the UDF's {@code --address tcp://host:port} argument. */
  private static URI udfAddress() {
    List<String> cmd = COMPOSE.command("udf");
    int i = cmd.indexOf("--address");
    assertTrue(i > 0 && i + 1 < cmd.size(), "udf command names its --address: " + cmd);
    return URI.create(cmd.get(i + 1));
  }

  @Test
  void theComposeFileDefinesTheFourPipelineServicesAndLetsThemScale() {
    assertTrue(COMPOSE.serviceNames().containsAll(List.of("udf", "source", "map", "sink")), COMPOSE.serviceNames().toString());
    for (String s : List.of("udf", "source", "map", "sink")) {
      assertFalse(COMPOSE.service(s).containsKey("container_name"), s + ": a fixed container name prevents --scale");
    }
  }

  @Test
  void everyPipelineServiceIsBuiltFromTheRepositoryDockerfileAsOneImage() {
    String image = null;
    for (String s : List.of("udf", "source", "map", "sink")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> build = (Map<String, Object>) COMPOSE.service(s).get("build");
      assertNotNull(build, s + " has no build");
      Path context = Project.root().resolve(String.valueOf(build.get("context"))).normalize();
      assertEquals(Project.root(), context, s + " build context");
      assertTrue(Files.isRegularFile(context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile")))),
          s + " Dockerfile");
      String img = String.valueOf(COMPOSE.service(s).get("image"));
      if (image == null) {
        image = img;
      }
      assertEquals(image, img, s + ": one image for all services");
    }
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void eachServiceCommandRunsAJarTheBuildProducesWithAMainThatExists(Vertex v) throws IOException {
    assertRunsJar(v.id(), v.jar(), v.mainClass());
  }

  @Test
  void theUdfCommandRunsTheExampleUdfJar() throws IOException {
    assertRunsJar("udf", Project.udfJar(), UDF_MAIN);
    List<String> cmd = COMPOSE.command("udf");
    assertTrue(List.of("cat", "uppercase", "flatmap", "filter", "latency", "faulty").contains(cmd.get(3)), "example name: " + cmd);
  }

  private static void assertRunsJar(String service, Path expectedJar, String mainClass) throws IOException {
    List<String> cmd = COMPOSE.command(service);
    assertEquals(List.of("java", "-jar"), cmd.subList(0, 2), service + " command: " + cmd);
    Path inRepo = Dockerfile.load().copiedFromBuild().get(cmd.get(2));
    assertNotNull(inRepo, service + " runs " + cmd.get(2) + ", which the Dockerfile does not copy");
    assertEquals(expectedJar, inRepo, service + " jar");
    assertTrue(Files.isRegularFile(inRepo), inRepo + " is not built");
    try (JarFile jar = new JarFile(inRepo.toFile())) {
      Manifest manifest = jar.getManifest();
      assertEquals(mainClass, manifest.getMainAttributes().getValue("Main-Class"), inRepo + " Main-Class");
      assertNotNull(jar.getEntry(mainClass.replace('.', '/') + ".class"), mainClass + " is not in " + inRepo);
    }
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void everyFlowmeshVariableASetsIsARealKeyOfThatService(Vertex v) {
    Map<String, Keys.Key> keys = Keys.byEnv(v);
    Map<String, String> env = COMPOSE.environment(v.id());
    assertFalse(env.isEmpty(), v + " has no environment");
    for (String name : env.keySet()) {
      if (name.startsWith("FLOWMESH_")) {
        assertTrue(keys.containsKey(name), v + " sets " + name + ", which is no key of " + v + " (see --help)");
      }
    }
    for (String imageEnv : Dockerfile.load().runtime().args("ENV")) {
      for (String word : imageEnv.split("\\s+")) {
        if (word.startsWith("FLOWMESH_")) {
          assertTrue(keys.containsKey(word.substring(0, word.indexOf('='))), "the image sets " + word + ", no key of " + v);
        }
      }
    }
  }

  @Test
  void theUdfIsConfiguredByItsFlagsAndGetsNoServiceKeys() {
    assertTrue(COMPOSE.environment("udf").keySet().stream().noneMatch(k -> k.startsWith("FLOWMESH_")),
        "the example UDF reads only FLOWMESH_UDF_ADDRESS/MODE/SERVER_INFO_FILE; map owns udf.*: " + COMPOSE.environment("udf"));
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void servicesListenOnAllInterfacesInTheirContainers(Vertex v) {
    assertEquals("0.0.0.0", COMPOSE.environment(v.id()).get("FLOWMESH_BIND_HOST"), v + " bind.host");
  }

  @Test
  void theUdfListensOnAllInterfaces() {
    assertEquals("0.0.0.0", udfAddress().getHost());
    assertEquals("tcp", udfAddress().getScheme());
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void publishedPortAndHealthCheckMatchTheHttpPortTheServiceListensOn(Vertex v) {
    int port = effectivePort(COMPOSE, v, v.httpPortKey());
    List<ComposeFile.Port> ports = COMPOSE.ports(v.id());
    assertEquals(1, ports.size(), v + " publishes its HTTP port only: " + ports);
    assertEquals(port, ports.get(0).target(), v + " container port vs " + v.httpPortKey());
    assertEquals(String.valueOf(port), ports.get(0).published(), v + ": published on the same host port by default");
    List<String> check = COMPOSE.healthcheck(v.id());
    assertEquals("curl", check.get(1), v + " health check");
    assertTrue(check.contains("-f") || check.stream().anyMatch(a -> a.matches("-[a-zA-Z]*f[a-zA-Z]*")),
        v + ": curl must fail on a 503 (-f): " + check);
    URI url = COMPOSE.healthcheckUrl(v.id());
    assertEquals("127.0.0.1", url.getHost(), v + " health check host");
    assertEquals(port, url.getPort(), v + " health check port vs " + v.httpPortKey());
    assertEquals("/readyz", url.getPath(), v + " health check path (EndpointsTest requests it on a live service)");
  }

  @Test
  void theUdfHealthCheckProbesTheUdfPort() {
    List<String> check = COMPOSE.healthcheck("udf");
    assertEquals(List.of("CMD", "bash", "-c"), check.subList(0, 3));
    assertEquals("exec 3<>/dev/tcp/127.0.0.1/" + udfAddress().getPort(), check.get(3));
  }

  /** Authentication on: the same edge token for all three, from the shell or .env, with a default so `up` works as is. */
  @ParameterizedTest
  @EnumSource(Vertex.class)
  void everyServiceGetsTheSameEdgeTokenFromTheEnvironmentOrDotEnv(Vertex v) throws IOException {
    String token = COMPOSE.environment(v.id()).get("FLOWMESH_EDGE_TOKEN");
    assertNotNull(token, v + " has no FLOWMESH_EDGE_TOKEN: its edge would be open to any container on the network");
    assertFalse(token.isBlank(), v + ": without FLOWMESH_EDGE_TOKEN set, the default must still be a token");
    assertEquals(COMPOSE.environment("source").get("FLOWMESH_EDGE_TOKEN"), token, v + ": one token for the pipeline");
    String text = Files.readString(Project.root().resolve("docker-compose.yml"));
    assertTrue(text.contains("FLOWMESH_EDGE_TOKEN: ${FLOWMESH_EDGE_TOKEN:-" + token + "}"),
        "the token is taken from the shell or .env, with the default only when unset");
  }

  @Test
  void dotEnvExampleShowsHowToSetTheTokenAndDotEnvStaysOutOfGitAndTheImage() throws IOException {
    assertTrue(Files.readString(Project.root().resolve(".env.example")).lines().anyMatch(l -> l.startsWith("FLOWMESH_EDGE_TOKEN=")));
    assertTrue(Files.readAllLines(Project.root().resolve(".gitignore")).contains(".env"), ".gitignore");
    assertTrue(Files.readAllLines(Project.root().resolve(".dockerignore")).contains(".env"), ".dockerignore: the build copies the context");
  }

  @Test
  void upstreamsNameTheComposeServicesOnThePortsTheyServe() {
    Map<String, String> map = COMPOSE.environment("map");
    Map<String, String> sink = COMPOSE.environment("sink");
    assertEquals("source:" + effectivePort(COMPOSE, Vertex.SOURCE, "source.edge.port"), map.get("FLOWMESH_MAP_UPSTREAM"));
    assertEquals("tcp://udf:" + udfAddress().getPort(), map.get("FLOWMESH_UDF_ADDRESS"));
    assertEquals("map:" + effectivePort(COMPOSE, Vertex.MAP, "map.edge.port"), sink.get("FLOWMESH_SINK_UPSTREAM"));
  }

  /**
   * compose stops dependents first, so dependencies run from upstream to downstream: `down` stops
   * source, then map, then sink, each draining into a live downstream. Map waits for a healthy
   * UDF; a downstream's readiness needs its upstream, so the others can only wait for "started".
   */
  @Test
  void dependenciesMakeDownStopTheSourceFirstAndMapWaitForAHealthyUdf() {
    assertEquals(Map.of("map", "service_started"), COMPOSE.dependsOn("source"));
    assertEquals(Map.of("udf", "service_healthy", "sink", "service_started"), COMPOSE.dependsOn("map"));
    assertTrue(COMPOSE.dependsOn("sink").isEmpty());
    assertTrue(COMPOSE.dependsOn("udf").isEmpty());
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void dockerWaitsLongerThanTheShutdownTimeoutBeforeKilling(Vertex v) {
    String configured = COMPOSE.environment(v.id()).get("FLOWMESH_SHUTDOWN_TIMEOUT");
    Duration timeout = parse(configured != null ? configured : Keys.key(v, "shutdown.timeout").defaultValue());
    Object grace = COMPOSE.service(v.id()).get("stop_grace_period");
    assertNotNull(grace, v + ": docker's default grace is 10 s");
    assertTrue(parse(String.valueOf(grace)).compareTo(timeout) > 0,
        v + ": stop_grace_period " + grace + " must exceed shutdown.timeout " + timeout);
  }

  private static Duration parse(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException(text);
    };
  }
}
