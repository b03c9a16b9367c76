package io.flowmesh.pipeline.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one entry of {@code spec.vertices}: its name, its kind (exactly one of {@code source},
 * {@code udf}, {@code sink}: {@link KindParser}), {@code limits}, {@code scale} and Flowmesh's
 * {@code settings} (service keys, checked against the services' key lists).
 */
final class VertexParser {

  private static final Map<String, String> VERTEX_HINTS = Map.ofEntries(
      Map.entry("containerTemplate", "Kubernetes container settings have no meaning here; JVM options: JAVA_OPTS of the runner"),
      Map.entry("initContainerTemplate", "Kubernetes init containers have no meaning here"),
      Map.entry("initContainers", "Kubernetes init containers have no meaning here"),
      Map.entry("sidecars", "Kubernetes sidecars have no meaning here; start a UDF with udf.command"),
      Map.entry("volumes", "Kubernetes volumes have no meaning here"),
      Map.entry("partitions", "there are no partitioned buffers: vertices are joined by edges directly"),
      Map.entry("sideInputs", "side inputs are not implemented"),
      Map.entry("sideInputsContainerTemplate", "side inputs are not implemented"),
      Map.entry("updateStrategy", "Kubernetes update strategies have no meaning here"),
      Map.entry("ordered", "use settings map.ordering"),
      Map.entry("metadata", "Kubernetes pod metadata has no meaning here"),
      Map.entry("nodeSelector", "Kubernetes pod settings have no meaning here"),
      Map.entry("tolerations", "Kubernetes pod settings have no meaning here"),
      Map.entry("affinity", "Kubernetes pod settings have no meaning here"),
      Map.entry("serviceAccountName", "Kubernetes pod settings have no meaning here"),
      Map.entry("imagePullSecrets", "Kubernetes pod settings have no meaning here"),
      Map.entry("priorityClassName", "Kubernetes pod settings have no meaning here"),
      Map.entry("securityContext", "Kubernetes pod settings have no meaning here"));
  private static final Map<String, String> SCALE_HINTS = Map.of(
      "lookbackSeconds", "no autoscaling here: scale.min replicas run",
      "zeroReplicaSleepSeconds", "no autoscaling here: scale.min replicas run",
      "targetProcessingSeconds", "no autoscaling here: scale.min replicas run",
      "targetBufferAvailability", "no autoscaling here: scale.min replicas run",
      "scaleUpCooldownSeconds", "no autoscaling here: scale.min replicas run",
      "scaleDownCooldownSeconds", "no autoscaling here: scale.min replicas run",
      "replicasPerScaleUp", "no autoscaling here: scale.min replicas run",
      "replicasPerScaleDown", "no autoscaling here: scale.min replicas run",
      "replicasPerScale", "no autoscaling here: scale.min replicas run",
      "cron", "no autoscaling here: scale.min replicas run");

  private VertexParser() {
  }

  /** The vertex at {@code spec.vertices[index]}, or null when it is too broken to check the graph with. */
  static VertexSpec parse(Object node, int index, SpecParser.Limits pipelineLimits, Map<String, String> pipelineSettings,
      List<String> problems) {
    String owner = "spec.vertices[" + index + "]";
    if (node instanceof Map<?, ?> m && m.get("name") instanceof String n && !n.isBlank()) {
      owner = "vertex '" + n + "'";
    }
    Fields f = Fields.of(node, owner, "", problems);
    String name = f.required("name");
    Fields source = f.object("source");
    Fields udf = f.object("udf");
    Fields sink = f.object("sink");
    List<String> given = new ArrayList<>();
    if (source != null) {
      given.add("source");
    }
    if (udf != null) {
      given.add("udf");
    }
    if (sink != null) {
      given.add("sink");
    }
    if (given.size() != 1) {
      problems.add(owner + (given.isEmpty() ? " needs one of source, udf or sink"
          : " has " + String.join(" and ", given) + ": a vertex is exactly one of source, udf or sink"));
      f.accept("limits");
      f.accept("scale");
      f.accept("settings");
      f.rejectRest(VERTEX_HINTS::get);
      return null;
    }
    Derived derived = new Derived();
    List<UdfSpec> udfs = new ArrayList<>();
    VertexKind kind;
    boolean canTag;
    if (source != null) {
      kind = VertexKind.SOURCE;
      canTag = KindParser.source(source, derived, udfs);
    } else if (udf != null) {
      kind = VertexKind.MAP;
      canTag = true;
      KindParser.udf(udf, udfs);
    } else {
      kind = VertexKind.SINK;
      canTag = false;
      KindParser.sink(sink, derived, udfs);
    }
    SpecParser.Limits vertexLimits = SpecParser.limits(f.object("limits"));
    applyLimits(f, kind, pipelineLimits, vertexLimits, derived);
    int[] scale = scale(f.object("scale"));
    Map<String, String> settings = new java.util.LinkedHashMap<>(pipelineSettings);
    settings.putAll(derived.values());
    f.flatMap("settings").forEach((key, value) -> {
      String problem = SettingKeys.check(kind, key);
      if (problem != null) {
        problems.add(f.where("settings") + ": " + problem);
      } else if (derived.setBy(key) != null && !derived.get(key).equals(value)) {
        problems.add(f.where("settings") + ": " + key + "=" + value + " contradicts " + derived.setBy(key)
            + " (which means " + key + "=" + derived.get(key) + "): keep one");
      } else {
        settings.put(key, value);
      }
    });
    f.rejectRest(VERTEX_HINTS::get);
    return name == null ? null : new VertexSpec(name, kind, settings, udfs, canTag, scale[0], scale[1]);
  }

  /**
   * Numaflow's limits where Flowmesh has them: {@code readBatchSize} is {@code edge.max-batch},
   * {@code bufferMaxLength} the input buffer ({@code edge.input-capacity}, vertices with an
   * input), {@code concurrency} {@code map.concurrency} (maps). The pipeline's apply where they
   * mean something; a vertex's own that means nothing for its kind is an error.
   */
  private static void applyLimits(Fields f, VertexKind kind, SpecParser.Limits pipeline, SpecParser.Limits vertex,
      Derived derived) {
    Long batch = vertex.readBatchSize() != null ? vertex.readBatchSize() : pipeline.readBatchSize();
    if (batch != null) {
      derived.put("edge.max-batch", String.valueOf(batch), vertex.readBatchSize() != null ? "limits.readBatchSize" : "spec.limits.readBatchSize");
    }
    if (kind == VertexKind.SOURCE) {
      if (vertex.bufferMaxLength() != null) {
        f.problem(f.where("limits.bufferMaxLength") + " means nothing on a source: it has no input buffer (set it on the vertices it sends to)");
      }
    } else {
      Long length = vertex.bufferMaxLength() != null ? vertex.bufferMaxLength() : pipeline.bufferMaxLength();
      if (length != null) {
        derived.put("edge.input-capacity", String.valueOf(length),
            vertex.bufferMaxLength() != null ? "limits.bufferMaxLength" : "spec.limits.bufferMaxLength");
      }
    }
    if (kind == VertexKind.MAP) {
      Long c = vertex.concurrency() != null ? vertex.concurrency() : pipeline.concurrency();
      if (c != null) {
        derived.put("map.concurrency", String.valueOf(c), vertex.concurrency() != null ? "limits.concurrency" : "spec.limits.concurrency");
      }
    } else if (vertex.concurrency() != null) {
      f.problem(f.where("limits.concurrency") + " is not supported on a " + kind.service()
          + " vertex: only maps have a concurrency limit (map.concurrency)");
    }
  }

  /** {@code scale.min} replicas (default 1) and {@code scale.max} (default: min), the most Kubernetes may scale to; {@code disabled} is accepted. */
  private static int[] scale(Fields f) {
    if (f == null) {
      return new int[] {1, 1};
    }
    Long min = f.number("min", 1);
    Long max = f.number("max", 1);
    f.bool("disabled");
    if (min != null && max != null && max < min) {
      f.problem(f.where("max") + " (" + max + ") is below scale.min (" + min + ")");
    }
    if (min != null && min > 16) {
      f.problem(f.where("min") + " (" + min + ") is more replicas than the local runner starts (16 at most)");
      min = 16L;
    }
    f.rejectRest(SCALE_HINTS::get);
    int replicas = min == null ? 1 : min.intValue();
    return new int[] {replicas, max == null ? replicas : (int) Math.min(max, 1000)};
  }
}
