package io.flowmesh.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * One vertex: its name and kind, the service settings its fields give (not yet the graph's: no
 * upstream, ports or edges), the UDFs it talks to, and how many replicas run it.
 *
 * @param settings Flowmesh keys to values, from the typed fields, the limits and {@code settings:}, in that order
 * @param canTag whether its outputs can carry tags (a map, or a source with a transformer)
 * @param replicas how many processes run it ({@code scale.min}, default 1)
 * @param maxReplicas {@code scale.max} (default: {@code replicas}): the most an autoscaler may run (Kubernetes)
 */
public record VertexSpec(String name, VertexKind kind, Map<String, String> settings, List<UdfSpec> udfs, boolean canTag,
    int replicas, int maxReplicas) {

  public VertexSpec {
    // in the order given (file order): rendered files and the runner's config files come out the same every run
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    udfs = List.copyOf(udfs);
    maxReplicas = Math.max(maxReplicas, replicas);
  }

  /** With {@code scale.max} = {@code scale.min}. */
  public VertexSpec(String name, VertexKind kind, Map<String, String> settings, List<UdfSpec> udfs, boolean canTag, int replicas) {
    this(name, kind, settings, udfs, canTag, replicas, replicas);
  }

  /** How messages name it: {@code vertex 'cat'}. */
  public String label() {
    return "vertex '" + name + "'";
  }
}
