package io.flowmesh.pipeline.deploy;

import io.flowmesh.pipeline.spec.VertexKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One vertex as containers run it: the Flowmesh image running {@link #jar()}, {@link #replicas()}
 * of them, each with the same settings.
 *
 * @param jar the service's jar in the image ({@code /app/map-service.jar})
 * @param replicas how many run ({@code scale.min})
 * @param maxReplicas the most an autoscaler may run ({@code scale.max}, at least {@code replicas})
 * @param settings every key the service gets but {@code edge.token} and the addresses of its UDF
 *     containers (see {@link #settings(Function)}); values never hold {@code ${run}} any more
 * @param httpPort its HTTP port in the container ({@code /readyz}, {@code /livez}, {@code /metrics})
 * @param edgePort its edge's port in the container, or -1 (a sink)
 * @param upstreams each upstream vertex by name and the address its subscriber dials ({@code parse:9090})
 * @param downstreams the vertices it sends to
 * @param udfs the UDF containers it talks to (a UDF given only by an address is in {@code settings})
 * @param env process environment besides the settings (JVM options of a map)
 * @param dataDir whether a setting points into {@link Deployment#DATA_DIR} (a file sink): mount a volume there
 */
public record VertexDeployment(String name, VertexKind kind, String jar, int replicas, int maxReplicas,
    Map<String, String> settings, int httpPort, int edgePort, Map<String, String> upstreams, List<String> downstreams,
    List<UdfContainer> udfs, Map<String, String> env, boolean dataDir) {

  public VertexDeployment {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
    downstreams = List.copyOf(downstreams);
    udfs = List.copyOf(udfs);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /**
   * The complete settings (still without {@code edge.token}), each UDF container's address key set
   * to {@code tcp://<host>:<port>}, the host being where this renderer puts it: {@code 127.0.0.1}
   * for a sidecar in the same pod, the UDF's service name in compose.
   */
  public Map<String, String> settings(Function<UdfContainer, String> udfHost) {
    Map<String, String> out = new LinkedHashMap<>(settings);
    for (UdfContainer u : udfs) {
      out.put(u.addressKey(), "tcp://" + udfHost.apply(u) + ":" + u.port());
    }
    return out;
  }
}
