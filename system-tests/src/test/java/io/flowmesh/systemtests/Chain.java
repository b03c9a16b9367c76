package io.flowmesh.systemtests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A linear chain as processes on free loopback ports: a generator source → map → map → … → a file
 * sink, each map with its own example UDF process, configured as a user runs a chain by hand
 * (docs/running.md): every map has its own {@code vertex.name}, subscribes with {@code map.upstream}
 * to the previous vertex's edge and lets only the next vertex subscribe to its own
 * ({@code map.edge.allowed-subscribers}; the source's {@code source.edge.allowed-subscribers}
 * names the first map). One environment for everything plus each process's own keys.
 *
 * <p>{@link #close()} stops everything still running, upstream first, then the UDFs.
 */
final class Chain implements AutoCloseable {

  private final Path dir;
  private final List<String> mapNames;
  /** Per map its UDF's arguments: the example UDF's name, then its options. */
  private final List<List<String>> udfArgs;
  private final List<List<String>> mapJvmOptions;
  private final Map<String, String> sourceEnv;
  private final List<Map<String, String>> mapEnvs = new ArrayList<>();
  private final Map<String, String> sinkEnv;
  private final List<JavaProcess> udfs = new ArrayList<>();
  private final List<ServiceProcess> maps = new ArrayList<>();
  private final List<Integer> udfPorts = new ArrayList<>();
  private ServiceProcess source;
  private ServiceProcess sink;

  /**
   * @param mapNames the maps' vertex names, upstream first
   * @param udfArgs per map the example UDF (e.g. uppercase, cat) and its options
   * @param mapJvmOptions per map its JVM options
   * @param overrides environment for every process (generator settings, edge.max-unacked, a sink type other
   *     than the file, ...)
   */
  private Chain(Path dir, List<String> mapNames, List<List<String>> udfArgs, List<List<String>> mapJvmOptions,
      Map<String, String> overrides) {
    if (mapNames.size() != udfArgs.size() || mapNames.size() != mapJvmOptions.size() || mapNames.isEmpty()) {
      throw new IllegalArgumentException("one UDF and one set of JVM options per map: " + mapNames + " / " + udfArgs
          + " / " + mapJvmOptions);
    }
    this.dir = dir;
    this.mapNames = List.copyOf(mapNames);
    this.udfArgs = List.copyOf(udfArgs);
    this.mapJvmOptions = List.copyOf(mapJvmOptions);
    int n = mapNames.size();
    int[] ports = Ports.free(3 * n + 3);
    Map<String, String> common = Pipeline.processEnv();
    common.putAll(overrides);

    sourceEnv = new LinkedHashMap<>(common);
    sourceEnv.put("FLOWMESH_SOURCE_HTTP_PORT", String.valueOf(ports[0]));
    sourceEnv.put("FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(ports[1]));
    sourceEnv.put("FLOWMESH_SOURCE_EDGE_ALLOWED_SUBSCRIBERS", mapNames.get(0));
    int upstreamEdge = ports[1];
    for (int i = 0; i < n; i++) {
      int udfPort = ports[2 + 3 * i];
      int edgePort = ports[4 + 3 * i];
      udfPorts.add(udfPort);
      Map<String, String> env = new LinkedHashMap<>(common);
      env.put("FLOWMESH_VERTEX_NAME", mapNames.get(i));
      env.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[3 + 3 * i]));
      env.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(edgePort));
      env.put("FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + upstreamEdge);
      env.put("FLOWMESH_MAP_EDGE_ALLOWED_SUBSCRIBERS", i + 1 < n ? mapNames.get(i + 1) : "sink");
      env.put("FLOWMESH_UDF_ADDRESS", "tcp://127.0.0.1:" + udfPort);
      mapEnvs.add(env);
      upstreamEdge = edgePort;
    }
    sinkEnv = new LinkedHashMap<>(common);
    sinkEnv.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(ports[3 * n + 2]));
    sinkEnv.put("FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + upstreamEdge);
    sinkEnv.putIfAbsent("FLOWMESH_SINK_TYPE", "file");
    sinkEnv.put("FLOWMESH_SINK_PATH", dir.resolve("out.ndjson").toString());
  }

  /** Starts the UDFs, then source, maps and sink, and waits until every one is ready. */
  static Chain start(Path dir, List<String> mapNames, List<String> udfNames, Map<String, String> overrides) {
    List<List<String>> udfArgs = new ArrayList<>();
    List<List<String>> jvm = new ArrayList<>();
    for (String udf : udfNames) {
      udfArgs.add(List.of(udf));
      jvm.add(JavaProcess.JVM_OPTIONS);
    }
    return start(dir, mapNames, udfArgs, jvm, overrides);
  }

  /** As {@link #start(Path, List, List, Map)}, each map's UDF with options and the map with JVM options of its own. */
  static Chain start(Path dir, List<String> mapNames, List<List<String>> udfArgs, List<List<String>> mapJvmOptions,
      Map<String, String> overrides) {
    Chain c = new Chain(dir, mapNames, udfArgs, mapJvmOptions, overrides);
    try {
      for (int i = 0; i < c.mapNames.size(); i++) {
        List<String> args = new ArrayList<>(c.udfArgs.get(i));
        args.addAll(List.of("--address", "tcp://127.0.0.1:" + c.udfPorts.get(i)));
        c.udfs.add(JavaProcess.start("udf-" + c.mapNames.get(i), Project.udfJar(), args, Map.of(), dir));
      }
      for (JavaProcess udf : c.udfs) {
        udf.awaitLog(" listening on ", Pipeline.START_TIMEOUT);
      }
      c.source = ServiceProcess.start(Vertex.SOURCE, c.sourceEnv, dir);
      for (int i = 0; i < c.mapNames.size(); i++) {
        c.maps.add(ServiceProcess.start(Vertex.MAP, c.mapNames.get(i), c.mapEnvs.get(i), dir, c.mapJvmOptions.get(i)));
      }
      c.sink = ServiceProcess.start(Vertex.SINK, c.sinkEnv, dir);
      c.source.awaitReady(Pipeline.START_TIMEOUT);
      for (ServiceProcess m : c.maps) {
        m.awaitReady(Pipeline.START_TIMEOUT);
      }
      c.sink.awaitReady(Pipeline.START_TIMEOUT);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** Starts map {@code i} again (after it was stopped) on the same ports with the same settings; waits until ready. */
  ServiceProcess restartMap(int i) {
    if (maps.get(i).process().alive()) {
      throw new IllegalStateException(mapNames.get(i) + " is running");
    }
    ServiceProcess m = ServiceProcess.start(Vertex.MAP, mapNames.get(i), mapEnvs.get(i), dir, mapJvmOptions.get(i));
    maps.set(i, m);
    m.awaitReady(Pipeline.START_TIMEOUT);
    return m;
  }

  ServiceProcess source() {
    return source;
  }

  /** Map {@code i}, upstream first. */
  ServiceProcess map(int i) {
    return maps.get(i);
  }

  ServiceProcess sink() {
    return sink;
  }

  Path sinkFile() {
    return Path.of(sinkEnv.get("FLOWMESH_SINK_PATH"));
  }

  /** The sink ids' suffix: {@code /0} per map (one output per input). */
  String idSuffix() {
    return "/0".repeat(mapNames.size());
  }

  /** Fails, with the logs, if any process exited by itself. */
  void assertAllAlive() {
    for (JavaProcess p : processes()) {
      if (!p.alive()) {
        throw new AssertionError(p.name() + " exited by itself\n" + logs());
      }
    }
  }

  /** The last lines of every log, for failure messages. */
  String logs() {
    List<String> parts = new ArrayList<>();
    for (JavaProcess p : processes()) {
      parts.add(p.logTail(15));
    }
    return String.join("\n", parts);
  }

  private List<JavaProcess> processes() {
    List<JavaProcess> all = new ArrayList<>(udfs);
    for (ServiceProcess s : services()) {
      all.add(s.process());
    }
    return all;
  }

  private List<ServiceProcess> services() {
    List<ServiceProcess> all = new ArrayList<>();
    if (source != null) {
      all.add(source);
    }
    all.addAll(maps);
    if (sink != null) {
      all.add(sink);
    }
    return all;
  }

  /** Stops whatever still runs: source, maps upstream first, sink, then the UDFs. */
  @Override
  public void close() {
    for (ServiceProcess s : services()) {
      s.close();
    }
    for (JavaProcess udf : udfs) {
      udf.close();
    }
  }
}
