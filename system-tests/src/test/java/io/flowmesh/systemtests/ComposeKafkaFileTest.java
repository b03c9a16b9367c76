package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code kafka} profile of docker-compose.yml, checked without a Docker engine: the broker is
 * the official image of the Kafka release the project builds with, a single KRaft node whose
 * every {@code KAFKA_*} variable is a real broker property, reachable from the other containers on
 * the address the pipeline and the topic service use, and from the host on its published port.
 * {@link ComposeKafkaTest} runs it. (The pipeline services' own checks are ComposeFileTest's.)
 */
class ComposeKafkaFileTest {

  private static final ComposeFile COMPOSE = ComposeFile.ofProject();
  private static final List<String> PROFILE = List.of("kafka", "kafka-topics", "kafka-source", "kafka-map", "kafka-sink");
  /** The official image's launch variables, which it does not turn into server properties. */
  private static final Set<String> LAUNCH_VARIABLES = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_LOG4J_OPTS",
      "KAFKA_JMX_OPTS", "KAFKA_JMX_PORT", "KAFKA_JMX_HOSTNAME", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS",
      "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL");
  private static final Pattern LISTENER = Pattern.compile("([A-Z_]+)://([^:,]*):(\\d+)");

  /**
   * The server properties the official image makes of the service's {@code KAFKA_*} variables:
   * prefix dropped, lower case, {@code ___} to {@code -}, {@code __} to {@code _}, {@code _} to
   * {@code .} (scripts/docker-test-kafka/run does the same for the stand-in).
   */
  static Map<String, String> brokerProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    COMPOSE.environment("kafka").forEach((name, value) -> {
      if (name.startsWith("KAFKA_") && !LAUNCH_VARIABLES.contains(name)) {
        String key = name.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT)
            .replace("___", "-").replace("__", "\u0001").replace('_', '.').replace('\u0001', '_');
        props.put(key, value);
      }
    });
    return props;
  }

  /** Listener name → [host, port] of a {@code listeners}-style value. */
  private static Map<String, String[]> listeners(String value) {
    assertNotNull(value, "listeners not set");
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String part : value.split(",")) {
      Matcher m = LISTENER.matcher(part.strip());
      assertTrue(m.matches(), "listener '" + part + "' is not NAME://host:port");
      out.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    return out;
  }

  /** {@code kafka:PORT}: where the other containers reach the broker (its advertised INTERNAL listener). */
  private static String internalAddress() {
    String[] internal = listeners(brokerProperties().get("advertised.listeners")).get(brokerProperties().get("inter.broker.listener.name"));
    assertNotNull(internal, "the inter-broker listener is not advertised");
    return internal[0] + ":" + internal[1];
  }

  @Test
  void theProfileHoldsTheBrokerTheTopicsAndASecondPipelineAndNothingElseNeedsIt() {
    for (String s : COMPOSE.serviceNames()) {
      List<String> profiles = COMPOSE.profiles(s);
      assertEquals(PROFILE.contains(s), profiles.contains("kafka"), s + " profiles " + profiles);
      if (!profiles.contains("kafka")) {
        for (String dependency : COMPOSE.dependsOn(s).keySet()) {
          assertTrue(!PROFILE.contains(dependency), s + " depends on " + dependency + ", which runs only with --profile kafka");
        }
      }
    }
  }

  @Test
  void theBrokerIsTheOfficialImageOfTheKafkaReleaseTheProjectBuildsWith() throws IOException {
    Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(Project.path("pom.xml")));
    assertTrue(version.find(), "pom.xml has no kafka.version");
    String image = "apache/kafka:" + version.group(1);
    String text = Files.readString(Project.path("docker-compose.yml"));
    for (String s : List.of("kafka", "kafka-topics")) {
      assertEquals(image, COMPOSE.service(s).get("image"), s + " image (the clients and the test broker are " + version.group(1) + ")");
    }
    assertTrue(text.contains("image: ${KAFKA_IMAGE:-" + image + "}"), "the image can be replaced with KAFKA_IMAGE, like the others");
  }

  @Test
  void theBrokerIsOneKraftNodeWithEveryInternalTopicOnOneReplica() {
    Map<String, String> p = brokerProperties();
    assertEquals(Set.of("broker", "controller"), Set.of(p.get("process.roles").split(",")), "process.roles");
    Map<String, String[]> listeners = listeners(p.get("listeners"));
    String controller = p.get("controller.listener.names");
    assertNotNull(listeners.get(controller), "no " + controller + " listener in " + p.get("listeners"));
    assertEquals(p.get("node.id") + "@kafka:" + listeners.get(controller)[1], p.get("controller.quorum.voters"),
        "the only voter is this node, on its controller listener");
    for (String name : listeners.keySet()) {
      assertTrue(p.get("listener.security.protocol.map").contains(name + ":PLAINTEXT"), name + " has no security protocol");
    }
    for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr")) {
      assertEquals("1", p.get(key), key + " (the default, 3, needs three brokers)");
    }
    assertNotNull(COMPOSE.environment("kafka").get("CLUSTER_ID"), "KRaft storage is formatted with CLUSTER_ID");
    assertTrue(COMPOSE.service("kafka").get("volumes").toString().contains(":" + p.get("log.dirs")), "log.dirs is in a volume");
  }

  /** A misspelt variable would become a property the broker ignores, silently. */
  @Test
  @SuppressWarnings("unchecked")
  void everyKafkaVariableIsABrokerPropertyOfThatRelease() throws Exception {
    Path lib = Project.path("kafka-broker/target/kafka-lib");
    assertTrue(Files.isDirectory(lib), lib + " is not built (mvn -B package -DskipTests)");
    List<URL> jars = new java.util.ArrayList<>();
    try (Stream<Path> files = Files.list(lib)) {
      for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
        jars.add(jar.toUri().toURL());
      }
    }
    Set<String> names;
    // loading the broker's config class starts its logging: log4j2 with no configuration file
    // logs errors only, and says nothing about the missing file at this status level
    System.setProperty("log4j2.StatusLogger.level", "OFF");
    try (URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Object def = Class.forName("org.apache.kafka.server.config.AbstractKafkaConfig", true, loader).getField("CONFIG_DEF").get(null);
      names = new HashSet<>((Set<String>) def.getClass().getMethod("names").invoke(def));
    }
    for (String key : brokerProperties().keySet()) {
      assertTrue(names.contains(key), "KAFKA_* sets '" + key + "', which is no broker property of " + lib);
    }
  }

  @Test
  void containersReachTheBrokerOnItsInternalListenerAndTheHostOnThePublishedOne() {
    Map<String, String> p = brokerProperties();
    Map<String, String[]> listeners = listeners(p.get("listeners"));
    Map<String, String[]> advertised = listeners(p.get("advertised.listeners"));
    String internal = p.get("inter.broker.listener.name");
    assertEquals("kafka", advertised.get(internal)[0], "the other containers know the broker by its service name");
    assertEquals(listeners.get(internal)[1], advertised.get(internal)[1], "the internal listener advertises its own port");
    assertEquals(Set.of(internal, "HOST"), advertised.keySet(), "advertised: the internal and the host listener");
    List<ComposeFile.Port> ports = COMPOSE.ports("kafka");
    assertEquals(1, ports.size(), "the broker publishes its host listener only: " + ports);
    assertEquals(Integer.parseInt(listeners.get("HOST")[1]), ports.get(0).target(), "published container port vs the HOST listener");
    assertEquals("localhost:" + ports.get(0).published(), advertised.get("HOST")[0] + ":" + advertised.get("HOST")[1],
        "the host listener advertises the published host port");
    assertEquals(internalAddress(), COMPOSE.environment("kafka-source").get("FLOWMESH_SOURCE_KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals(internalAddress(), COMPOSE.environment("kafka-sink").get("FLOWMESH_SINK_KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals("kafka", COMPOSE.environment("kafka-source").get("FLOWMESH_SOURCE_TYPE"));
    assertEquals("kafka", COMPOSE.environment("kafka-sink").get("FLOWMESH_SINK_TYPE"));
  }

  @Test
  void theBrokerHealthCheckProbesTheInternalListener() {
    List<String> check = COMPOSE.healthcheck("kafka");
    assertEquals(List.of("CMD", "bash", "-c"), check.subList(0, 3), "bash is in the official image (its scripts need it)");
    assertEquals("exec 3<>/dev/tcp/127.0.0.1/" + internalAddress().split(":")[1], check.get(3));
    Duration grace = ComposeFileTest.parse(String.valueOf(COMPOSE.service("kafka").get("stop_grace_period")));
    assertTrue(grace.compareTo(Duration.ofSeconds(10)) > 0, "the broker gets more than docker's 10 s to close its logs");
  }

  @Test
  void theTopicServiceCreatesWhatTheSourceReadsAndTheSinkWritesOnTheInternalListener() {
    String script = String.join(" ", COMPOSE.command("kafka-topics"));
    String source = COMPOSE.environment("kafka-source").get("FLOWMESH_SOURCE_KAFKA_TOPICS");
    String sink = COMPOSE.environment("kafka-sink").get("FLOWMESH_SINK_KAFKA_TOPIC");
    Matcher loop = Pattern.compile("for t in ([^;]+);").matcher(script);
    assertTrue(loop.find(), "kafka-topics loops over its topics: " + script);
    assertEquals(Set.of(source, sink), Set.of(loop.group(1).strip().split("\\s+")), "topics created vs read and written");
    for (String needed : List.of("/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server " + internalAddress(), "--create",
        "--if-not-exists", "--topic $t", "|| exit 1")) {
      assertTrue(script.contains(needed), "kafka-topics command lacks '" + needed + "': " + script);
    }
    assertTrue(COMPOSE.service("kafka-topics").get("restart") == null, "a one-shot service is not restarted");
  }

  /**
   * The topics exist before the source reads or the sink writes (else a client could create them
   * with one partition); `down` stops kafka-source, kafka-map, kafka-sink, then the broker.
   */
  @Test
  void dependenciesCreateTheTopicsFirstAndStopTheBrokerLast() {
    String done = "service_completed_successfully";
    assertEquals(Map.of("kafka", "service_healthy"), COMPOSE.dependsOn("kafka-topics"));
    assertEquals(Map.of("kafka-map", "service_started", "kafka-topics", done), COMPOSE.dependsOn("kafka-source"));
    assertEquals(Map.of("udf", "service_healthy", "kafka-sink", "service_started"), COMPOSE.dependsOn("kafka-map"));
    assertEquals(Map.of("kafka-topics", done), COMPOSE.dependsOn("kafka-sink"));
    assertTrue(COMPOSE.dependsOn("kafka").isEmpty());
  }

  @Test
  void theReadmeShowsHowToProduceAndReadWithTheBrokersToolsOnTheInternalListener() throws IOException {
    String readme = Files.readString(Project.path("README.md"));
    for (String tool : List.of("kafka-console-producer.sh", "kafka-console-consumer.sh")) {
      String cmd = "docker compose exec kafka /opt/kafka/bin/" + tool + " --bootstrap-server " + internalAddress();
      assertTrue(readme.contains(cmd), "README lacks: " + cmd);
    }
    assertTrue(readme.contains("docker compose --profile kafka up"), "README: how to start the profile");
  }
}
