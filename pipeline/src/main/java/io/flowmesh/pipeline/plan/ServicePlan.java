package io.flowmesh.pipeline.plan;

import io.flowmesh.pipeline.spec.VertexKind;
import java.util.Map;

/**
 * One process of a vertex: its service, its complete settings, its ports.
 *
 * @param process the process's name (the vertex's, or {@code <vertex>-<n>} for replica n of several), also its log's
 * @param settings every key the service gets, in the order the runner writes them
 * @param edgePort the port its edge listens on, or -1 (a sink)
 */
public record ServicePlan(String vertex, int replica, VertexKind kind, String process, Map<String, String> settings, int httpPort,
    int edgePort) {

  public ServicePlan {
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
  }
}
