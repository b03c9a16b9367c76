package io.flowmesh.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * One vertex: its name and kind, the service settings its fields give (not yet the graph's: no
 * upstream, ports or edges), the UDFs it talks to, and how many replicas run it.
 *
 * @param settings Flowmesh keys to values, from the typed fields, the limits and {@code settings:}
 * @param canTag whether its outputs can carry tags (a map, or a source with a transformer)
 * @param replicas how many processes run it ({@code scale.min}, default 1)
 */
public record VertexSpec(String name, VertexKind kind, Map<String, String> settings, List<UdfSpec> udfs, boolean canTag,
    int replicas) {

  public VertexSpec {
    settings = Map.copyOf(settings);
    udfs = List.copyOf(udfs);
  }

  /** How messages name it: {@code vertex 'cat'}. */
  public String label() {
    return "vertex '" + name + "'";
  }
}
