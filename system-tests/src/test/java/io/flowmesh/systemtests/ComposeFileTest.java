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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml, checked without a Docker engine against what the build produces and what
 * the services really read and serve (keys from each jar's {@code --help}). {@link ComposeRunTest}
 * runs it.
 */
class ComposeFileTest {

  private static final ComposeFile COMPOSE = ComposeFile.ofProject();
  private static final String UDF_MAIN = "io.flowmesh.examples.Main";
  /** The generator pipeline, which runs without a profile. */
  private static final List<String> PIPELINE = List.of("udf", "source", "map", "sink");
  /** The kafka profile's pipeline, through the same UDF (its broker: {@link ComposeKafkaFileTest}). */
  private static final List<String> KAFKA_PIPELINE = List.of("kafka-source", "kafka-map", "kafka-sink");

  /** Every service that runs a vertex, with the vertex: both pipelines'. */
  static Stream<Arguments> vertexServices() {
    return Stream.of(Arguments.of("source", Vertex.SOURCE), Arguments.of("map", Vertex.MAP), Arguments.of("sink", Vertex.SINK),
        Arguments.of("kafka-source", Vertex.SOURCE), Arguments.of("kafka-map", Vertex.MAP), Arguments.of("kafka-sink", Vertex.SINK));
  }

  /** The value the service runs with for {@code key}: the compose environment's, else the jar's default. */
  static int effectivePort(ComposeFile compose, Vertex v, String key) {
    return effectivePort(compose, v.id(), v, key);
  }

  /** The same for compose service {@code service}, which runs vertex {@code v}. */
  static int effectivePort(ComposeFile compose, String service, Vertex v, String key) {
    String set = compose.environment(service).get(Keys.envName(key));
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
    assertTrue(COMPOSE.serviceNames().containsAll(PIPELINE), COMPOSE.serviceNames().toString());
    assertTrue(COMPOSE.serviceNames().containsAll(KAFKA_PIPELINE), COMPOSE.serviceNames().toString());
    for (String s : COMPOSE.serviceNames()) {
      assertFalse(COMPOSE.service(s).containsKey("container_name"), s + ": a fixed container name prevents --scale");
    }
  }

  /** Both pipelines are listed in {@link #vertexServices()}, so every check below covers each. */
  @Test
  void everyServiceThatRunsAServiceJarIsCheckedAsAVertex() {
    List<String> listed = vertexServices().map(a -> (String) a.get()[0]).toList();
    for (String s : COMPOSE.serviceNames()) {
      List<String> cmd = COMPOSE.command(s);
      boolean runsVertex = cmd.size() > 2 && cmd.get(2).matches("/app/(source|map|sink)-service\\.jar");
      assertEquals(runsVertex, listed.contains(s), s + " runs " + cmd);
    }
  }

  @Test
  void everyPipelineServiceIsBuiltFromTheRepositoryDockerfileAsOneImage() {
    String image = null;
    for (String s : Stream.concat(PIPELINE.stream(), KAFKA_PIPELINE.stream()).toList()) {
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void eachServiceCommandRunsAJarTheBuildProducesWithAMainThatExists(String service, Vertex v) throws IOException {
    assertRunsJar(service, v.jar(), v.mainClass());
  }

  @Test
  void theUdfCommandRunsTheExampleUdfJar() throws IOException {
    assertRunsJar("udf", Project.udfJar(), UDF_MAIN);
    List<String> cmd = COMPOSE.command("udf");
    assertTrue(List.of("cat", "uppercase", "flatmap", "filter", "latency", "faulty").contains(cmd.get(3)), "example name: " + cmd);
  }

  @Test
  void theConsoleRunsItsJarAndWatchesEveryVertexOfThePipelineAtItsHttpPort() throws IOException {
    assertRunsJar("console", Project.path("console/target/flowmesh-console.jar"), "io.flowmesh.console.ConsoleMain");
    Map<String, String> env = COMPOSE.environment("console");
    StringBuilder expected = new StringBuilder();
    for (String s : List.of("source", "map", "sink")) {
      String port = COMPOSE.environment(s).get("FLOWMESH_" + s.toUpperCase(java.util.Locale.ROOT) + "_HTTP_PORT");
      expected.append(expected.length() == 0 ? "" : ",").append(s).append('=').append(s).append(':').append(port);
    }
    assertEquals(expected.toString(), env.get("FLOWMESH_CONSOLE_VERTICES"));
    assertEquals("http://127.0.0.1:" + env.get("FLOWMESH_CONSOLE_PORT") + "/readyz", COMPOSE.healthcheck("console").get(5));
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void everyFlowmeshVariableASetsIsARealKeyOfThatService(String service, Vertex v) {
    Map<String, Keys.Key> keys = Keys.byEnv(v);
    Map<String, String> env = COMPOSE.environment(service);
    assertFalse(env.isEmpty(), v + " has no environment");
    for (String name : env.keySet()) {
      if (name.startsWith("FLOWMESH_")) {
        assertTrue(keys.containsKey(name), service + " sets " + name + ", which is no key of " + v + " (see --help)");
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void servicesListenOnAllInterfacesInTheirContainers(String service, Vertex v) {
    assertEquals("0.0.0.0", COMPOSE.environment(service).get("FLOWMESH_BIND_HOST"), service + " bind.host");
  }

  @Test
  void theUdfListensOnAllInterfaces() {
    assertEquals("0.0.0.0", udfAddress().getHost());
    assertEquals("tcp", udfAddress().getScheme());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void publishedPortAndHealthCheckMatchTheHttpPortTheServiceListensOn(String service, Vertex v) {
    int port = effectivePort(COMPOSE, service, v, v.httpPortKey());
    List<ComposeFile.Port> ports = COMPOSE.ports(service);
    assertEquals(1, ports.size(), service + " publishes its HTTP port only: " + ports);
    assertEquals(port, ports.get(0).target(), service + " container port vs " + v.httpPortKey());
    if (service.equals(v.id())) {
      assertEquals(String.valueOf(port), ports.get(0).published(), service + ": published on the same host port by default");
    }
    List<String> check = COMPOSE.healthcheck(service);
    assertEquals("curl", check.get(1), service + " health check");
    assertTrue(check.contains("-f") || check.stream().anyMatch(a -> a.matches("-[a-zA-Z]*f[a-zA-Z]*")),
        service + ": curl must fail on a 503 (-f): " + check);
    URI url = COMPOSE.healthcheckUrl(service);
    assertEquals("127.0.0.1", url.getHost(), service + " health check host");
    assertEquals(port, url.getPort(), service + " health check port vs " + v.httpPortKey());
    assertEquals("/readyz", url.getPath(), service + " health check path (EndpointsTest requests it on a live service)");
  }

  /** Both pipelines run at once: no host port may be published twice by default. */
  @Test
  void noTwoServicesPublishTheSameHostPortByDefault() {
    Map<String, String> owner = new java.util.HashMap<>();
    for (String s : COMPOSE.serviceNames()) {
      for (ComposeFile.Port p : COMPOSE.ports(s)) {
        String other = owner.put(p.published(), s);
        assertTrue(other == null, s + " and " + other + " both publish host port " + p.published());
      }
    }
  }

  @Test
  void theUdfHealthCheckProbesTheUdfPort() {
    List<String> check = COMPOSE.healthcheck("udf");
    assertEquals(List.of("CMD", "bash", "-c"), check.subList(0, 3));
    assertEquals("exec 3<>/dev/tcp/127.0.0.1/" + udfAddress().getPort(), check.get(3));
  }

  /** Authentication on: the same edge token for all three, from the shell or .env, with a default so `up` works as is. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void everyServiceGetsTheSameEdgeTokenFromTheEnvironmentOrDotEnv(String service, Vertex v) throws IOException {
    String token = COMPOSE.environment(service).get("FLOWMESH_EDGE_TOKEN");
    assertNotNull(token, service + " has no FLOWMESH_EDGE_TOKEN: its edge would be open to any container on the network");
    assertFalse(token.isBlank(), service + ": without FLOWMESH_EDGE_TOKEN set, the default must still be a token");
    assertEquals(COMPOSE.environment("source").get("FLOWMESH_EDGE_TOKEN"), token, service + ": one token for the pipeline");
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("pipelines")
  void upstreamsNameTheComposeServicesOnThePortsTheyServe(String source, String map, String sink) {
    Map<String, String> mapEnv = COMPOSE.environment(map);
    Map<String, String> sinkEnv = COMPOSE.environment(sink);
    assertEquals(source + ":" + effectivePort(COMPOSE, source, Vertex.SOURCE, "source.edge.port"), mapEnv.get("FLOWMESH_MAP_UPSTREAM"));
    assertEquals("tcp://udf:" + udfAddress().getPort(), mapEnv.get("FLOWMESH_UDF_ADDRESS"));
    assertEquals(map + ":" + effectivePort(COMPOSE, map, Vertex.MAP, "map.edge.port"), sinkEnv.get("FLOWMESH_SINK_UPSTREAM"));
  }

  static Stream<Arguments> pipelines() {
    return Stream.of(Arguments.of("source", "map", "sink"), Arguments.of("kafka-source", "kafka-map", "kafka-sink"));
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("vertexServices")
  void dockerWaitsLongerThanTheShutdownTimeoutBeforeKilling(String service, Vertex v) {
    String configured = COMPOSE.environment(service).get("FLOWMESH_SHUTDOWN_TIMEOUT");
    Duration timeout = parse(configured != null ? configured : Keys.key(v, "shutdown.timeout").defaultValue());
    Object grace = COMPOSE.service(service).get("stop_grace_period");
    assertNotNull(grace, service + ": docker's default grace is 10 s");
    assertTrue(parse(String.valueOf(grace)).compareTo(timeout) > 0,
        service + ": stop_grace_period " + grace + " must exceed shutdown.timeout " + timeout);
  }

  static Duration parse(String text) {
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
