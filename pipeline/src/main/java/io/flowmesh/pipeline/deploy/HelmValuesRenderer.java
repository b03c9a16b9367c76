package io.flowmesh.pipeline.deploy;

import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values file of the Helm chart in {@code deploy/helm/flowmesh} from a {@link Deployment}: the
 * pipeline's name and, per vertex from the sources down, what its pod runs. The chart turns these
 * into Kubernetes objects (probes, resources, the JVM heap, the edge token and TLS Secrets,
 * disruption budgets, autoscaling); this renderer only says what the spec says:
 * <ul>
 *   <li>{@code env} and {@code args}: the vertex's settings as {@code FLOWMESH_<KEY>} variables, or as
 *       flags where a variable would not read back as the same key ({@link SettingsForm}), and its
 *       process environment (a map's JVM options file);
 *   <li>{@code upstreams}: each upstream vertex, its edge port and the key that takes its address
 *       ({@code env} or {@code flag}), without the address: the chart names the upstream's Service
 *       ({@code <release>-<vertex>}), so the values do not depend on the release name;
 *   <li>{@code udfs}: its UDF containers, run as sidecars and reached on {@code 127.0.0.1};
 *   <li>{@code shutdownTimeoutSeconds}: its {@code shutdown.timeout}, which the pod's grace period exceeds.
 * </ul>
 */
public final class HelmValuesRenderer {

  /** Where a vertex finds its UDF containers: sidecars in its own pod. */
  static final String SIDECAR_HOST = "127.0.0.1";

  private HelmValuesRenderer() {
  }

  /**
   * The values file's text.
   *
   * @param source what it was rendered from, for the header (the spec's path)
   * @throws SpecException when a setting the chart reads is not valid (a {@code shutdown.timeout} that is no duration)
   */
  public static String render(Deployment d, String source) throws SpecException {
    List<String> problems = new ArrayList<>();
    List<Object> vertices = new ArrayList<>();
    for (VertexDeployment v : d.vertices()) {
      vertices.add(vertex(v, problems));
    }
    if (!problems.isEmpty()) {
      throw new SpecException(d.origin(), problems);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("pipeline", d.pipeline());
    root.put("vertices", vertices);
    return RenderedYaml.dump(header(d, source), root);
  }

  private static String header(Deployment d, String source) {
    return "# Pipeline '" + d.pipeline() + "' as values of the Flowmesh Helm chart (deploy/helm/flowmesh), rendered from\n"
        + "# " + source + " by scripts/run-spec.sh --render helm-values: edit the spec and render again rather\n"
        + "# than the vertices here. Chart-wide settings (image, resources, autoscaling, TLS) go in another\n"
        + "# values file or --set; see the chart's values.yaml and docs/running.md, \"Running on Kubernetes\".\n"
        + "#\n"
        + "#   " + installCommand(d, "THIS-FILE") + "\n"
        + "#\n";
  }

  /**
   * The {@code helm} command that installs these values from {@code valuesFile}. The chart puts every
   * object in the release's namespace, which only {@code helm --namespace} sets: the spec's
   * {@code metadata.namespace} goes there.
   */
  public static String installCommand(Deployment d, String valuesFile) {
    return "helm upgrade --install " + d.pipeline() + " deploy/helm/flowmesh"
        + (d.namespace() == null ? "" : " --namespace " + d.namespace() + " --create-namespace") + " -f " + valuesFile;
  }

  private static Map<String, Object> vertex(VertexDeployment v, List<String> problems) {
    String k = v.kind().service();
    Map<String, String> settings = v.settings(u -> SIDECAR_HOST);
    List<Object> upstreams = new ArrayList<>();
    v.upstreams().forEach((from, address) -> {
      String key = upstreamKey(k, from, address, settings);
      if (key == null) {
        problems.add(v.name() + ": no " + k + ".upstream setting holds the address of its upstream vertex '" + from + "' ("
            + address + ")");
        return;
      }
      settings.remove(key);
      Map<String, Object> up = new LinkedHashMap<>();
      up.put("vertex", from);
      up.put("port", Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
      SettingsForm form = SettingsForm.of(v.kind(), Map.of(key, address));
      if (form.env().isEmpty()) {
        up.put("flag", key);
      } else {
        up.put("env", form.env().keySet().iterator().next());
      }
      upstreams.add(up);
    });
    SettingsForm form = SettingsForm.of(v.kind(), settings);
    // sorted by key, so a diff of two renderings of a changed spec shows only what changed
    Map<String, String> env = new TreeMap<>(form.env());
    env.putAll(v.env());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", v.name());
    out.put("kind", k);
    out.put("jar", v.jar());
    out.put("replicas", v.replicas());
    out.put("maxReplicas", v.maxReplicas());
    out.put("httpPort", v.httpPort());
    if (v.edgePort() > 0) {
      out.put("edgePort", v.edgePort());
    }
    out.put("shutdownTimeoutSeconds", shutdownSeconds(v, settings, problems));
    out.put("env", env);
    out.put("args", form.flags().stream().sorted().toList());
    out.put("upstreams", upstreams);
    out.put("dataDir", v.dataDir());
    List<Object> udfs = new ArrayList<>();
    for (UdfContainer u : v.udfs()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", u.role());
      if (u.image() != null) {
        c.put("image", u.image());
      }
      if (u.pullPolicy() != null) {
        c.put("pullPolicy", u.pullPolicy());
      }
      c.put("command", u.command());
      c.put("args", u.args());
      c.put("env", u.env());
      c.put("port", u.port());
      udfs.add(c);
    }
    out.put("udfs", udfs);
    return out;
  }

  /** The setting that holds {@code address} of upstream vertex {@code from}: {@code k.upstream} or {@code k.upstream.<from>}. */
  private static String upstreamKey(String k, String from, String address, Map<String, String> settings) {
    for (String key : List.of(k + ".upstream." + from, k + ".upstream")) {
      if (address.equals(settings.get(key))) {
        return key;
      }
    }
    return null;
  }

  /** {@code shutdown.timeout} in whole seconds, rounded up (the model always sets it). */
  private static long shutdownSeconds(VertexDeployment v, Map<String, String> settings, List<String> problems) {
    String text = settings.getOrDefault("shutdown.timeout", DeploymentModel.DEFAULT_SHUTDOWN_TIMEOUT);
    try {
      Duration d = Types.DURATION.parse(text);
      return (d.toMillis() + 999) / 1000;
    } catch (IllegalArgumentException e) {
      problems.add(v.name() + ": shutdown.timeout '" + text + "': " + e.getMessage());
      return 0;
    }
  }
}
