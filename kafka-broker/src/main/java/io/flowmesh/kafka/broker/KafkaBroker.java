package io.flowmesh.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process) in its own
 * JVM, on 127.0.0.1. Its storage is formatted on first start and kept in {@code dataDir}, so a
 * broker stopped with {@link #stop()} can be {@link #start() started} again on the same port with
 * its topics and committed offsets intact — which is what a test of "the broker went away for 10
 * seconds" needs.
 *
 * <p>The broker's classpath is this module's {@code target/kafka-lib} (Kafka's jars and a log4j2
 * binding, copied by the build); this class uses only the JDK, so a test can depend on this
 * module without putting Kafka's server jars on its own classpath.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final Path libDir;
  private final int port;
  private final int controllerPort;
  private final List<String> extraProperties;
  private Process process;

  private KafkaBroker(Path dataDir, Path libDir, int port, int controllerPort, List<String> extraProperties) {
    this.dataDir = dataDir;
    this.libDir = libDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.extraProperties = extraProperties;
  }

  /**
   * A broker on the given ports, keeping its data in {@code dataDir}; not started yet. Tests take
   * the ports from runtime's {@code PortFinder} (below the kernel's ephemeral range, never the same
   * twice): in combined mode the broker may dial its controller before it binds its listener, and a
   * port the kernel chose for a probe could meanwhile be given to that connection.
   *
   * @param extraProperties more {@code key=value} lines for server.properties
   */
  public static KafkaBroker onPorts(Path dataDir, int port, int controllerPort, String... extraProperties) {
    if (port == controllerPort) {
      throw new IllegalArgumentException("the listener and the controller need two ports, both given " + port);
    }
    return new KafkaBroker(dataDir, locateLib(), port, controllerPort, List.of(extraProperties));
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The broker's own log (stdout and stderr of its JVM). */
  public Path logFile() {
    return dataDir.resolve("broker.log");
  }

  /** Formats the storage if needed, starts the broker and waits until it accepts connections. */
  public KafkaBroker start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is already running on port " + port);
    }
    Files.createDirectories(dataDir);
    Path config = writeConfig();
    if (!Files.exists(dataDir.resolve("logs/meta.properties"))) {
      String clusterId = clusterId();
      Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString())
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
      boolean ended = format.waitFor(60, TimeUnit.SECONDS);
      if (!ended || format.exitValue() != 0) {
        String how = ended ? "exit " + format.exitValue() : "no exit within 60 s";
        format.destroyForcibly();
        throw new IOException("formatting the Kafka storage in " + dataDir + " failed (" + how + "); the end of "
            + logFile() + ":\n" + tail(logFile(), 20));
      }
    }
    process = java("kafka.Kafka", config.toString()).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!accepts(port)) {
      if (!process.isAlive()) {
        throw new IOException("the Kafka broker exited with " + process.exitValue() + " while starting; see " + logFile());
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IOException("the Kafka broker did not listen on " + bootstrapServers() + " within " + START_TIMEOUT.toSeconds()
            + " s; see " + logFile());
      }
      Thread.sleep(100);
    }
    return this;
  }

  /** Whether the broker's JVM is running. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 20 s) and waits for its JVM to exit. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /**
   * {@link #stop()}; when interrupted while waiting, the broker's JVM is killed and still waited for
   * (up to 10 s, so that nobody deletes its data under it), and the interrupt stays set.
   */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Process p = process;
      process = null;
      if (p != null) {
        p.destroyForcibly();
        try {
          p.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException again) {
          // give up waiting; the flag is set again below
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
          // it did not exit in time: nothing more to do
        }
      }
      Thread.currentThread().interrupt();
    }
  }

  private Path writeConfig() throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dataDir.resolve("logs"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "min.insync.replicas=1",
        "default.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "log.retention.ms=-1"));
    lines.addAll(extraProperties);
    Path config = dataDir.resolve("server.properties");
    Files.write(config, lines);
    return config;
  }

  private ProcessBuilder java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Dlog4j2.configurationFile=" + log4jConfig(),
        "-cp", libDir.resolve("*").toString(), mainClass));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** The last {@code lines} lines of {@code file}, or why they cannot be read. */
  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** A quiet log4j2 configuration (WARN and above) beside the data. */
  private String log4jConfig() {
    Path file = dataDir.resolve("log4j2.properties");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, String.join("\n",
            "status=error",
            "appender.console.type=Console",
            "appender.console.name=STDOUT",
            "appender.console.layout.type=PatternLayout",
            "appender.console.layout.pattern=%d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
            "rootLogger.level=warn",
            "rootLogger.appenderRef.stdout.ref=STDOUT",
            "logger.kafka.name=kafka.server.KafkaRaftServer",
            "logger.kafka.level=info", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toString();
  }

  /**
   * A random cluster id in Kafka's form: a UUID's 16 bytes, base64url without padding. An id that
   * starts with '-' (1 in 64) is drawn again: the storage tool's argument parser takes it for an
   * option and fails with "--cluster-id: expected one argument" (Kafka's own Uuid does the same).
   */
  static String clusterId() {
    while (true) {
      UUID u = UUID.randomUUID();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
      String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
      if (id.charAt(0) != '-') {
        return id;
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code target/kafka-lib} beside this class's {@code target/classes} or jar. */
  static Path locateLib() {
    try {
      Path here = Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = Files.isDirectory(here) ? here.getParent() : here.getParent();
      Path lib = target.resolve("kafka-lib");
      if (!Files.isDirectory(lib)) {
        throw new IllegalStateException("no Kafka classpath at " + lib + ": build the kafka-broker module first "
            + "(mvn -B package -pl kafka-broker -am)");
      }
      return lib;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
