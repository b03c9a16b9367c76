package io.flowmesh.pipeline.deploy;

import io.flowmesh.pipeline.plan.Translator;
import io.flowmesh.pipeline.spec.EdgeSpec;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.UdfSpec;
import io.flowmesh.pipeline.spec.VertexKind;
import io.flowmesh.pipeline.spec.VertexSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link Deployment} of a checked spec. The settings come from the local runner's
 * translator ({@link Translator#vertexSettings}), given container ports and DNS upstreams instead
 * of free local ports, plus what every container needs: {@code bind.host=0.0.0.0}, a
 * {@code resolve-interval} (scaled upstreams change their addresses) and a {@code shutdown.timeout}
 * (the renderers' grace periods are sized to it). {@code ${run}} in a setting becomes
 * {@link Deployment#DATA_DIR}.
 */
public final class DeploymentModel {

  /** The shutdown timeout a vertex gets unless its spec sets one; a renderer's grace period is above it. */
  public static final String DEFAULT_SHUTDOWN_TIMEOUT = "20s";
  /** How often a subscriber re-resolves its upstream's DNS name unless the spec sets it. */
  public static final String DEFAULT_RESOLVE_INTERVAL = "5s";

  // a DNS label (RFC 1123): a vertex's name is the host name of its service, in compose and Kubernetes
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern TCP = Pattern.compile("tcp://[^/]*:(\\d{1,5})/?");

  private DeploymentModel() {
  }

  /** The deployment of {@code spec}, with the keys of this build's services; every problem at once. */
  public static Deployment of(PipelineSpec spec) throws SpecException {
    List<String> problems = new ArrayList<>();
    Map<String, int[]> ports = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    for (VertexSpec v : spec.vertices()) {
      names.add(v.name());
      if (!DNS_LABEL.matcher(v.name()).matches()) {
        problems.add(v.label() + ": the name is its service's host name in containers: use lower-case letters, digits and '-'"
            + " (a DNS label, at most 63), starting and ending with a letter or digit");
      }
      String k = v.kind().service();
      int http = port(v, k + ".http.port", Deployment.HTTP_PORT, problems);
      int edge = v.kind() == VertexKind.SINK ? -1 : port(v, k + ".edge.port", Deployment.EDGE_PORT, problems);
      ports.put(v.name(), new int[] {http, edge});
    }
    List<VertexDeployment> out = new ArrayList<>();
    for (String name : Translator.topological(spec)) {
      VertexSpec v = spec.vertex(name).orElseThrow();
      String k = v.kind().service();
      List<UdfContainer> udfs = new ArrayList<>();
      Map<String, String> external = new LinkedHashMap<>();
      for (UdfSpec u : v.udfs()) {
        UdfContainer c = udf(v, u, Deployment.FIRST_UDF_PORT + udfs.size(), external, problems);
        if (c != null) {
          udfs.add(c);
          if (names.contains(c.name())) {
            problems.add(v.label() + ": its " + u.what() + " container would be named '" + c.name()
                + "', which is also a vertex's name: rename that vertex");
          }
        }
      }
      int[] p = ports.get(name);
      Map<String, String> s = Translator.vertexSettings(spec, v, p[0], p[1], external,
          from -> from + ":" + ports.get(from)[1]);
      udfs.forEach(u -> s.remove(u.addressKey()));
      s.remove("edge.token");
      s.putIfAbsent("bind.host", "0.0.0.0");
      s.putIfAbsent("shutdown.timeout", DEFAULT_SHUTDOWN_TIMEOUT);
      if (v.kind() != VertexKind.SOURCE) {
        s.putIfAbsent(k + ".resolve-interval", DEFAULT_RESOLVE_INTERVAL);
      }
      boolean dataDir = false;
      for (Map.Entry<String, String> e : s.entrySet()) {
        if (e.getValue().contains("${run}")) {
          e.setValue(e.getValue().replace("${run}", Deployment.DATA_DIR));
          dataDir = true;
        }
      }
      Map<String, String> upstreams = new LinkedHashMap<>();
      for (EdgeSpec e : spec.edgesTo(name)) {
        upstreams.put(e.from(), e.from() + ":" + ports.get(e.from())[1]);
      }
      List<String> downstreams = spec.edgesFrom(name).stream().map(EdgeSpec::to).toList();
      Map<String, String> env = new LinkedHashMap<>();
      if (v.kind() == VertexKind.MAP) {
        // a map vertex's JVM options in the image (map-service/jvm.options), as docker-compose.yml runs it
        env.put("JDK_JAVA_OPTIONS", "@" + Deployment.IMAGE_JARS + "/map-service.jvm.options");
        env.put("MALLOC_ARENA_MAX", "2");
      }
      out.add(new VertexDeployment(name, v.kind(), Deployment.IMAGE_JARS + "/" + k + "-service.jar", v.replicas(),
          v.maxReplicas(), s, p[0], p[1], upstreams, downstreams, udfs, env, dataDir));
    }
    if (!problems.isEmpty()) {
      throw new SpecException(spec.origin(), problems);
    }
    return new Deployment(spec.name(), spec.namespace(), spec.origin(), out);
  }

  /** The spec's fixed port for {@code key}, else {@code otherwise}: in a container every replica has the same ports. */
  private static int port(VertexSpec v, String key, int otherwise, List<String> problems) {
    String fixed = v.settings().get(key);
    return fixed == null ? otherwise : Translator.parsePort(v, key, fixed, problems);
  }

  /**
   * The container of {@code u}, or null when it has none: then its address (the spec's, or the
   * vertex's setting) goes into {@code external}. A {@code container} wins over a {@code builtin}:
   * it is what the spec says containers run.
   */
  private static UdfContainer udf(VertexSpec v, UdfSpec u, int defaultPort, Map<String, String> external, List<String> problems) {
    String given = u.address() != null ? u.address() : v.settings().get(u.addressKey());
    if (u.container() != null) {
      Matcher m = given == null ? null : TCP.matcher(given);
      if (m == null || !m.matches()) {
        problems.add(v.label() + ": " + u.what() + ".container (" + u.container().image() + ") is reached over TCP in containers:"
            + " give " + u.what() + ".address tcp://HOST:PORT with the port its image listens on"
            + (given == null ? "" : " (not " + given + ")"));
        return null;
      }
      int port = Integer.parseInt(m.group(1));
      String listen = "tcp://0.0.0.0:" + port;
      List<String> command = u.container().command().stream().map(a -> Translator.substitute(a, String.valueOf(port), listen)).toList();
      List<String> args = u.container().args().stream().map(a -> Translator.substitute(a, String.valueOf(port), listen)).toList();
      Map<String, String> env = new LinkedHashMap<>();
      u.container().env().forEach((name, value) -> env.put(name, Translator.substitute(value, String.valueOf(port), listen)));
      return new UdfContainer(v.name(), u.what(), Translator.role(u), u.addressKey(), u.container().image(), command, args, env,
          u.container().pullPolicy(), port);
    }
    if (u.builtin() != null) {
      Matcher m = given == null ? null : TCP.matcher(given);
      int port = m != null && m.matches() ? Integer.parseInt(m.group(1)) : defaultPort;
      List<String> launcher = List.of("java", "-jar", Deployment.IMAGE_JARS + "/flowmesh-udf.jar");
      return new UdfContainer(v.name(), u.what(), Translator.role(u), u.addressKey(), null,
          Translator.builtinCommand(launcher, v, u, "tcp://0.0.0.0:" + port), List.of(), Map.of(), null, port);
    }
    if (u.command() != null) {
      problems.add(v.label() + ": " + u.what() + " is a command (" + String.join(" ", u.command()) + "), which containers cannot"
          + " start: add " + u.what() + ".container (an image) or " + u.what() + ".builtin");
      return null;
    }
    external.put(u.addressKey(), given);
    return null;
  }
}
