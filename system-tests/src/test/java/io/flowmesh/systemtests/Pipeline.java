package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * UDF, source, map and sink as four processes on free loopback ports, configured through the
 * environment as a user (or {@code scripts/run-local.sh}) would: one environment for all three
 * services, each reading its own keys, with a fresh {@code edge.token}. The sink writes NDJSON to
 * {@link #sinkFile()}.
 *
 * <p>{@link #close()} stops everything still running, upstream first.
 */
final class Pipeline implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** The services' {@code shutdown.timeout} in these tests. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * What every process of a test's pipeline is given, to add its own keys to: bound to loopback,
   * authentication on with a fresh edge token (as scripts/run-local.sh runs it), the tests'
   * shutdown timeout, a lost upstream or UDF redialled within half a second, two event loops.
   */
  static Map<String, String> processEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWMESH_BIND_HOST", "127.0.0.1");
    env.put("FLOWMESH_EDGE_TOKEN", "test-" + UUID.randomUUID());
    env.put("FLOWMESH_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s");
    env.put("FLOWMESH_EDGE_RECONNECT_MAX", "500ms");
    env.put("FLOWMESH_UDF_RECONNECT_MAX_BACKOFF", "500ms");
    env.put("FLOWMESH_VERTX_EVENT_LOOPS", "2");
    return env;
  }

  /**
   * {@link #processEnv()} for a source → map → sink on loopback: ports are {@code [udf, source http,
   * source edge, map http, map edge, ...]}; the sinks' HTTP ports are the caller's to set.
   */
  static Map<String, String> chainEnv(int[] ports) {
    Map<String, String> env = processEnv();
    env.put("FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(ports[1]));
    env.put("FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(ports[2]));
    env.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[3]));
    env.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[4]));
    env.put("FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + ports[2]);
    env.put("FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + ports[4]);
    env.put("FLOWMESH_UDF_ADDRESS", "tcp://127.0.0.1:" + ports[0]);
    return env;
  }

  /**
   * {@link #chainEnv} for a map that forks to several sinks by tag condition: {@code edges} are
   * {@code to=condition} (e.g. {@code sink-odd=or:odd}) in order, set as {@code map.edge.to} and
   * {@code map.edge.condition.<to>} (a variable spells the dash as "_").
   */
  static Map<String, String> forkEnv(int[] ports, String... edges) {
    Map<String, String> env = chainEnv(ports);
    List<String> to = new ArrayList<>();
    for (String e : edges) {
      int eq = e.indexOf('=');
      to.add(e.substring(0, eq));
      env.put("FLOWMESH_MAP_EDGE_CONDITION_" + e.substring(0, eq).toUpperCase(java.util.Locale.ROOT).replace('-', '_'),
          e.substring(eq + 1));
    }
    env.put("FLOWMESH_MAP_EDGE_TO", String.join(",", to));
    return env;
  }

  private final Path dir;
  /** The example's name, the jar's first argument; null for a UDF jar of its own (see {@link #startWithUdfJar}). */
  private final String udfName;
  private final Path udfJar;
  private final int udfPort;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<Vertex, ServiceProcess> services = new EnumMap<>(Vertex.class);
  /** Arguments after the UDF's name and address (e.g. the faulty UDF's faults). */
  private List<String> udfArgs = List.of();
  /** JVM options of map-service (the tests' small defaults unless a test gives the map vertex's own). */
  private List<String> mapJvmOptions = JavaProcess.JVM_OPTIONS;
  private JavaProcess udf;

  private Pipeline(Path dir, String udfName, Map<String, String> overrides) {
    this(dir, Project.udfJar(), udfName, overrides);
  }

  private Pipeline(Path dir, Path udfJar, String udfName, Map<String, String> overrides) {
    this.dir = dir;
    this.udfJar = udfJar;
    this.udfName = udfName;
    int[] ports = Ports.free(6);
    udfPort = ports[0];
    env.putAll(chainEnv(ports));
    env.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(ports[5]));
    env.put("FLOWMESH_SINK_TYPE", "file");
    env.put("FLOWMESH_SINK_PATH", dir.resolve("out.ndjson").toString());
    env.putAll(overrides);
  }

  /** Starts the UDF, then the three services, and waits until all are ready. */
  static Pipeline start(Path dir, String udfName, Map<String, String> overrides) {
    return start(new Pipeline(dir, udfName, overrides));
  }

  /** As {@link #start(Path, String, Map)}, with arguments for the UDF after its name (e.g. the latency UDF's distribution). */
  static Pipeline start(Path dir, String udfName, List<String> udfArgs, Map<String, String> overrides) {
    Pipeline p = new Pipeline(dir, udfName, overrides);
    p.udfArgs = List.copyOf(udfArgs);
    return start(p);
  }

  /** As {@link #start(Path, String, Map)} with a UDF jar of its own ({@code java -jar udfJar --address ...}). */
  static Pipeline startWithUdfJar(Path dir, Path udfJar, Map<String, String> overrides) {
    return start(new Pipeline(dir, udfJar, null, overrides));
  }

  /** As {@link #startWithUdfJar(Path, Path, Map)} with a subcommand: {@code java -jar udfJar udfName --address ... udfArgs...}. */
  static Pipeline startWithUdfJar(Path dir, Path udfJar, String udfName, List<String> udfArgs, Map<String, String> overrides) {
    Pipeline p = new Pipeline(dir, udfJar, udfName, overrides);
    p.udfArgs = List.copyOf(udfArgs);
    return start(p);
  }

  /**
   * As {@link #start(Path, String, Map)} with arguments after the UDF's name (e.g. {@code --mode batch-map})
   * and map-service's own JVM options.
   */
  static Pipeline start(Path dir, String udfName, List<String> udfArgs, List<String> mapJvmOptions,
      Map<String, String> overrides) {
    Pipeline p = new Pipeline(dir, udfName, overrides);
    p.udfArgs = List.copyOf(udfArgs);
    p.mapJvmOptions = List.copyOf(mapJvmOptions);
    return start(p);
  }

  private static Pipeline start(Pipeline p) {
    try {
      p.startUdf();
      for (Vertex v : Vertex.values()) {
        p.services.put(v, ServiceProcess.start(v, p.env, p.dir, v == Vertex.MAP ? p.mapJvmOptions : JavaProcess.JVM_OPTIONS));
      }
      for (Vertex v : Vertex.values()) {
        p.services.get(v).awaitReady(START_TIMEOUT);
      }
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  /**
   * Starts the UDF ({@code udfName udfArgs...}) and the three services without waiting for any of
   * them, to watch them come up; {@link ServiceProcess#awaitReady} waits.
   */
  static Pipeline launch(Path dir, String udfName, List<String> udfArgs, Map<String, String> overrides) {
    Pipeline p = new Pipeline(dir, udfName, overrides);
    p.udfArgs = List.copyOf(udfArgs);
    try {
      p.udf = JavaProcess.start("udf", p.udfJar, p.udfCommand(), Map.of(), dir);
      for (Vertex v : Vertex.values()) {
        p.services.put(v, ServiceProcess.start(v, p.env, dir));
      }
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  /** Restarts the UDF with other arguments after its name (e.g. without its faults). */
  JavaProcess startUdf(List<String> args) {
    udfArgs = List.copyOf(args);
    return startUdf();
  }

  private List<String> udfCommand() {
    List<String> command = new ArrayList<>();
    if (udfName != null) {
      command.add(udfName);
    }
    command.addAll(List.of("--address", "tcp://127.0.0.1:" + udfPort));
    command.addAll(udfArgs);
    return command;
  }

  /** Starts (or restarts) the example UDF on its port and waits for its "listening" line. */
  JavaProcess startUdf() {
    if (udf != null && udf.alive()) {
      throw new IllegalStateException("the UDF is running");
    }
    int before = udf == null ? 0 : countListening();
    udf = JavaProcess.start("udf", udfJar, udfCommand(), Map.of(), dir);
    Await.until("the UDF listening", START_TIMEOUT, () -> {
      if (!udf.alive()) {
        throw new AssertionError("the UDF exited\n" + udf.logTail(20));
      }
      return countListening() > before;
    }, () -> udf.logTail(20));
    return udf;
  }

  private int countListening() {
    String prefix = udfName == null ? "udf " : "udf " + udfName + " ";
    return (int) udf.logText().lines().filter(l -> l.startsWith(prefix) && l.contains(" listening on ")).count();
  }

  /** Starts {@code vertex} again (after it was stopped) with the environment plus {@code extra}; waits until ready. */
  ServiceProcess restart(Vertex vertex, Map<String, String> extra) {
    ServiceProcess old = services.get(vertex);
    if (old != null && old.process().alive()) {
      throw new IllegalStateException(vertex + " is running");
    }
    Map<String, String> e = new LinkedHashMap<>(env);
    e.putAll(extra);
    ServiceProcess s = ServiceProcess.start(vertex, e, dir);
    services.put(vertex, s);
    s.awaitReady(START_TIMEOUT);
    return s;
  }

  ServiceProcess service(Vertex vertex) {
    return services.get(vertex);
  }

  JavaProcess udf() {
    return udf;
  }

  Map<String, String> env() {
    return env;
  }

  Path sinkFile() {
    return Path.of(env.get("FLOWMESH_SINK_PATH"));
  }

  /**
   * Waits until the (bounded) source reports all {@code count} messages acked end to end, failing at
   * once if map-service exits meanwhile; then checks that it is still running and never ran out of
   * heap (its JVM options end it on an OutOfMemoryError, and this harness restarts nothing).
   */
  void awaitAllAckedWithMapUp(long count, Duration timeout) throws IOException {
    ServiceProcess map = service(Vertex.MAP);
    ServiceProcess source = service(Vertex.SOURCE);
    Await.until("the source to report all " + count + " messages acked", timeout, () -> {
      assertTrue(map.process().alive(), () -> "map-service exited:\n" + logs());
      return source.status().getBoolean("complete", false);
    }, this::logs);
    assertEquals(count, source.status().getLong("acked"), "acked end to end");
    assertTrue(map.process().alive(), "map-service is still running");
    String mapLog = Files.readString(map.process().log());
    assertFalse(mapLog.contains("OutOfMemoryError"), "map-service ran out of memory:\n" + mapLog);
  }

  /** The last lines of every log, for failure messages. */
  String logs() {
    List<String> parts = new ArrayList<>();
    if (udf != null) {
      parts.add(udf.logTail(10));
    }
    services.values().forEach(s -> parts.add(s.process().logTail(25)));
    return String.join("\n", parts);
  }

  /** Stops whatever still runs: source, map, sink, then the UDF. */
  @Override
  public void close() {
    for (Vertex v : Vertex.values()) {
      ServiceProcess s = services.get(v);
      if (s != null) {
        s.close();
      }
    }
    if (udf != null) {
      udf.close();
    }
  }
}
