package io.flowmesh.pipeline.plan;

import io.flowmesh.pipeline.spec.EdgeSpec;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.UdfSpec;
import io.flowmesh.pipeline.spec.VertexKind;
import io.flowmesh.pipeline.spec.VertexSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Turns a checked spec into what runs: each vertex replica's service settings and each UDF
 * process. The graph becomes the keys the services read (issue 15's contract):
 * <ul>
 *   <li>{@code vertex.name}, ports ({@code X.http.port}, {@code X.edge.port}: free ones unless the
 *       spec fixes them), {@code edge.token} (one per run, every vertex);
 *   <li>upstream side ({@code X} = source or map): {@code X.edge.to} = the downstream vertices,
 *       {@code X.edge.condition.<to>} = {@code <op>:<tag>,...} for an edge with a tag condition;
 *   <li>subscriber side ({@code Y} = map or sink): {@code Y.upstream} = the address(es) of its one
 *       upstream vertex, or {@code Y.upstream.<vertex>} for each of several (a join).
 * </ul>
 * Every service of this build has these keys (service-keys.txt); TranslatorTest checks that each
 * key emitted is one.
 */
public final class Translator {

  private static final String HOST = "127.0.0.1";

  private final IntSupplier ports;
  private final List<String> builtinLauncher;

  /**
   * @param ports gives a free port each call
   * @param builtinLauncher the command that starts an example UDF, before its name ({@code java -jar flowmesh-udf.jar})
   */
  public Translator(IntSupplier ports, List<String> builtinLauncher) {
    this.ports = ports;
    this.builtinLauncher = List.copyOf(builtinLauncher);
  }

  /** For this build's services (every one has the graph keys). */
  public static Translator forThisBuild(IntSupplier ports, List<String> builtinLauncher) {
    return new Translator(ports, builtinLauncher);
  }

  public RunPlan translate(PipelineSpec spec, String edgeToken) throws SpecException {
    List<String> problems = new ArrayList<>();
    Map<String, List<int[]>> portsOf = new LinkedHashMap<>();
    for (VertexSpec v : spec.vertices()) {
      portsOf.put(v.name(), ports(v, problems));
    }
    List<UdfPlan> udfs = new ArrayList<>();
    Map<String, Map<String, String>> udfAddresses = new HashMap<>();
    for (VertexSpec v : spec.vertices()) {
      Map<String, String> addresses = new LinkedHashMap<>();
      for (UdfSpec u : v.udfs()) {
        String address = udf(v, u, udfs, problems);
        if (address != null) {
          addresses.put(u.addressKey(), address);
        }
      }
      udfAddresses.put(v.name(), addresses);
    }
    List<ServicePlan> services = new ArrayList<>();
    Function<String, String> upstream = from -> addresses(portsOf.get(from));
    for (VertexSpec v : spec.vertices()) {
      List<int[]> replicas = portsOf.get(v.name());
      for (int r = 0; r < replicas.size(); r++) {
        int http = replicas.get(r)[0];
        int edge = v.kind() == VertexKind.SINK ? -1 : replicas.get(r)[1];
        Map<String, String> s = vertexSettings(spec, v, http, edge, udfAddresses.get(v.name()), upstream);
        s.put("edge.token", edgeToken);
        String process = replicas.size() == 1 ? v.name() : v.name() + "-" + (r + 1);
        services.add(new ServicePlan(v.name(), r, v.kind(), process, s, http, edge));
      }
    }
    if (!problems.isEmpty()) {
      throw new SpecException(spec.origin(), problems);
    }
    return new RunPlan(spec, udfs, services, topological(spec));
  }

  /**
   * The service settings of one vertex (one replica), every key but {@code edge.token}: {@code
   * vertex.name}, the spec's settings, its ports, its UDFs' addresses, and the graph's keys. The
   * one place where a spec's graph becomes service keys: the local {@link RunPlan} and the
   * deployment model ({@code io.flowmesh.pipeline.deploy}) both come from here.
   *
   * @param edgePort its edge's port, or -1 (a sink)
   * @param udfAddresses each UDF's address key and address
   * @param upstreamAddress the address(es) of an upstream vertex by name, as a subscriber is given them
   */
  public static Map<String, String> vertexSettings(PipelineSpec spec, VertexSpec v, int httpPort, int edgePort,
      Map<String, String> udfAddresses, Function<String, String> upstreamAddress) {
    String k = v.kind().service();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("vertex.name", v.name());
    s.putAll(v.settings());
    s.put(k + ".http.port", String.valueOf(httpPort));
    if (v.kind() != VertexKind.SINK) {
      s.put(k + ".edge.port", String.valueOf(edgePort));
    }
    s.putAll(udfAddresses);
    outbound(spec, v, s);
    inbound(spec, v, s, upstreamAddress);
    return s;
  }

  /** The (http, edge) ports of each replica: the spec's when it fixes them (one replica), free ones otherwise. */
  private List<int[]> ports(VertexSpec v, List<String> problems) {
    String k = v.kind().service();
    String fixedHttp = v.settings().get(k + ".http.port");
    String fixedEdge = v.settings().get(k + ".edge.port");
    if (v.replicas() > 1) {
      for (String fixed : new String[] {fixedHttp == null ? null : k + ".http.port", fixedEdge == null ? null : k + ".edge.port"}) {
        if (fixed != null) {
          problems.add(v.label() + ": settings " + fixed + " is fixed, but its " + v.replicas()
              + " replicas need a port each: leave it unset (the runner picks free ones)");
        }
      }
    }
    List<int[]> out = new ArrayList<>();
    for (int r = 0; r < v.replicas(); r++) {
      int http = fixedHttp != null && v.replicas() == 1 ? parsePort(v, k + ".http.port", fixedHttp, problems) : ports.getAsInt();
      int edge = v.kind() == VertexKind.SINK ? -1
          : fixedEdge != null && v.replicas() == 1 ? parsePort(v, k + ".edge.port", fixedEdge, problems) : ports.getAsInt();
      out.add(new int[] {http, edge});
    }
    return out;
  }

  /** {@code text} as the port that {@code key} of vertex {@code v} sets; 0 and a line in {@code problems} when it is not one. */
  public static int parsePort(VertexSpec v, String key, String text, List<String> problems) {
    try {
      int p = Integer.parseInt(text.strip());
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(v.label() + ": settings " + key + "='" + text + "' is not a port (1 to 65535)");
    return 0;
  }

  /** The address the vertex is given for {@code u}; a process to start goes into {@code udfs}. */
  private String udf(VertexSpec v, UdfSpec u, List<UdfPlan> udfs, List<String> problems) {
    // an address in the settings (e.g. --set cat:udf.address=...) counts as the section's own
    String given = u.address() != null ? u.address() : v.settings().get(u.addressKey());
    if (!u.startsHere()) {
      if (given == null) {
        problems.add(v.label() + ": " + u.what() + " is only a container image (" + u.container().image()
            + "), which the local runner cannot start: add " + u.what() + ".command, " + u.what() + ".builtin or "
            + u.what() + ".address (or --set " + v.name() + ":" + u.addressKey() + "=ADDRESS)");
      }
      return given;
    }
    String port = given == null ? String.valueOf(ports.getAsInt()) : "";
    String address = given != null ? given : "tcp://" + HOST + ":" + port;
    List<String> command = new ArrayList<>();
    if (u.builtin() != null) {
      command.addAll(builtinCommand(builtinLauncher, v, u, address));
    } else {
      u.command().forEach(a -> command.add(substitute(a, port, address)));
    }
    Map<String, String> env = new LinkedHashMap<>();
    u.env().forEach((name, value) -> env.put(name, substitute(value, port, address)));
    udfs.add(new UdfPlan(v.name(), u.what(), v.name() + "-" + role(u), command, env, address));
    return address;
  }

  /**
   * The command of a builtin UDF: {@code launcher} (what starts {@code flowmesh-udf.jar}), its
   * name, {@code --address address}, the map's mode when not unary, its options.
   */
  public static List<String> builtinCommand(List<String> launcher, VertexSpec v, UdfSpec u, String address) {
    List<String> command = new ArrayList<>(launcher);
    command.add(u.builtin());
    command.add("--address");
    command.add(address);
    String mode = v.settings().get("map.mode");
    if (u.what().equals("udf") && mode != null && !mode.equals("unary-map") && !mode.equals("map")) {
      command.add("--mode");
      command.add(mode);
    }
    command.addAll(u.builtinArgs());
    return command;
  }

  /** A UDF's role in its vertex's process names: {@code udf}, {@code transformer}, {@code udsink}, {@code fallback-udsink}. */
  public static String role(UdfSpec u) {
    return u.what().replace("source.", "").replace("sink.", "").replace('.', '-');
  }

  /** {@code text} with {@code ${port}} and {@code ${address}} of a UDF's command and env replaced. */
  public static String substitute(String text, String port, String address) {
    return text.replace("${port}", port).replace("${address}", address);
  }

  /** The upstream side: where this vertex's messages go. */
  private static void outbound(PipelineSpec spec, VertexSpec v, Map<String, String> s) {
    if (v.kind() == VertexKind.SINK) {
      return;
    }
    String k = v.kind().service();
    List<EdgeSpec> edges = spec.edgesFrom(v.name());
    s.put(k + ".edge.to", String.join(",", edges.stream().map(EdgeSpec::to).toList()));
    for (EdgeSpec e : edges) {
      if (e.condition() != null) {
        s.put(k + ".edge.condition." + e.to(), e.condition().asSetting());
      }
    }
  }

  /** The subscriber side: where this vertex reads from. */
  private static void inbound(PipelineSpec spec, VertexSpec v, Map<String, String> s, Function<String, String> upstreamAddress) {
    if (v.kind() == VertexKind.SOURCE) {
      return;
    }
    String k = v.kind().service();
    List<EdgeSpec> edges = spec.edgesTo(v.name());
    if (edges.size() == 1) {
      s.put(k + ".upstream", upstreamAddress.apply(edges.get(0).from()));
      return;
    }
    for (EdgeSpec e : edges) {
      s.put(k + ".upstream." + e.from(), upstreamAddress.apply(e.from()));
    }
  }

  private static String addresses(List<int[]> replicas) {
    List<String> out = new ArrayList<>();
    replicas.forEach(p -> out.add(HOST + ":" + p[1]));
    return String.join(",", out);
  }

  /** The vertices from the sources down, in file order among equals. */
  public static List<String> topological(PipelineSpec spec) {
    Map<String, Integer> inDegree = new LinkedHashMap<>();
    spec.vertices().forEach(v -> inDegree.put(v.name(), 0));
    spec.edges().forEach(e -> inDegree.merge(e.to(), 1, Integer::sum));
    Deque<String> ready = new ArrayDeque<>();
    inDegree.forEach((name, d) -> {
      if (d == 0) {
        ready.add(name);
      }
    });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String next = ready.poll();
      order.add(next);
      for (EdgeSpec e : spec.edgesFrom(next)) {
        if (inDegree.merge(e.to(), -1, Integer::sum) == 0) {
          ready.add(e.to());
        }
      }
    }
    return order;
  }
}
