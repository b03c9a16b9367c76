package io.flowmesh.pipeline.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings given on the runner's command line, {@code --set VERTEX:KEY=VALUE}: the same keys a
 * vertex's {@code settings:} takes, checked the same way; they win over the file.
 */
public final class SpecOverrides {

  private SpecOverrides() {
  }

  /** {@code spec} with each {@code VERTEX:KEY=VALUE} applied; every bad one is a problem. */
  public static PipelineSpec apply(PipelineSpec spec, List<String> sets) throws SpecException {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, String>> extra = new LinkedHashMap<>();
    for (String set : sets) {
      int colon = set.indexOf(':');
      int eq = set.indexOf('=');
      if (colon < 1 || eq < colon + 2) {
        problems.add("--set " + set + ": write VERTEX:KEY=VALUE, e.g. --set in:source.count=1000");
        continue;
      }
      String vertex = set.substring(0, colon);
      String key = set.substring(colon + 1, eq);
      VertexSpec v = spec.vertex(vertex).orElse(null);
      if (v == null) {
        problems.add("--set " + set + ": no vertex '" + vertex + "' in the spec");
        continue;
      }
      String problem = SettingKeys.check(v.kind(), key);
      if (problem != null) {
        problems.add("--set " + set + ": " + problem);
        continue;
      }
      extra.computeIfAbsent(vertex, k -> new LinkedHashMap<>()).put(key, set.substring(eq + 1));
    }
    if (!problems.isEmpty()) {
      throw new SpecException("the command line", problems);
    }
    List<VertexSpec> vertices = new ArrayList<>();
    for (VertexSpec v : spec.vertices()) {
      Map<String, String> settings = new LinkedHashMap<>(v.settings());
      settings.putAll(extra.getOrDefault(v.name(), Map.of()));
      vertices.add(new VertexSpec(v.name(), v.kind(), settings, v.udfs(), v.canTag(), v.replicas(), v.maxReplicas()));
    }
    return new PipelineSpec(spec.name(), spec.namespace(), spec.origin(), spec.numaflowHeader(), vertices, spec.edges());
  }
}
