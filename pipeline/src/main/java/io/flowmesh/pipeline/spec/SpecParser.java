package io.flowmesh.pipeline.spec;

import io.flowmesh.runtime.config.StrictYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a pipeline spec: Numaflow's {@code Pipeline} (with its header {@code apiVersion:
 * numaflow.numaproj.io/v1alpha1}, {@code kind: Pipeline}), the same with Flowmesh's header
 * ({@code flowmesh.io/v1alpha1}), or the same shape with no header. Every field is either
 * understood or reported as not supported, naming its path; then the graph is checked
 * ({@link SpecValidator}). All problems are reported at once.
 */
public final class SpecParser {

  public static final String NUMAFLOW_API = "numaflow.numaproj.io/v1alpha1";
  public static final String FLOWMESH_API = "flowmesh.io/v1alpha1";

  private static final Pattern K8S_NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Map<String, String> TOP_HINTS = Map.of(
      "status", "a Kubernetes object's status is not part of a spec");
  private static final Map<String, String> METADATA_HINTS = Map.of(
      "labels", "Kubernetes labels have no meaning here",
      "annotations", "Kubernetes annotations have no meaning here");
  private static final Map<String, String> SPEC_HINTS = Map.of(
      "interStepBufferServiceName", "there is no inter-step buffer service: vertices are joined by edges directly",
      "interStepBuffer", "there is no inter-step buffer: vertices are joined by edges directly",
      "lifecycle", "stop the runner with Ctrl-C (SIGTERM): it drains the vertices, sources first",
      "watermark", "watermarks are always on (docs/guarantees.md)",
      "templates", "Kubernetes templates have no meaning here",
      "sideInputs", "side inputs are not implemented",
      "ordered", "use settings map.ordering on the map vertices");
  private static final Map<String, String> LIMITS_HINTS = Map.of(
      "readTimeout", "no Flowmesh equivalent: vertices are pushed to by credit, they do not poll",
      "bufferUsageLimit", "no Flowmesh equivalent: credit is the free room of the input buffer (limits.bufferMaxLength)",
      "rateLimit", "use settings source.rate on a generator source, or sink.throttle");

  private SpecParser() {
  }

  /** Reads, parses and checks the spec in {@code file}. */
  public static PipelineSpec load(Path file) throws SpecException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      String why = Files.isDirectory(file) ? "it is a directory" : !Files.exists(file) ? "no such file"
          : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new SpecException(file.toString(), List.of("cannot read the spec: " + why));
    }
    String fallbackName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "").replaceAll("[^A-Za-z0-9._-]", "-");
    return parse(text, file.toString(), fallbackName);
  }

  /**
   * Parses and checks a spec.
   *
   * @param origin where it came from (the file), for messages
   * @param fallbackName the pipeline's name when {@code metadata.name} is not given
   */
  public static PipelineSpec parse(String yaml, String origin, String fallbackName) throws SpecException {
    List<String> problems = new ArrayList<>();
    Object root;
    try {
      root = StrictYaml.reader().load(yaml);
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      String at = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
      throw new SpecException(origin, List.of("not valid YAML" + at + ": " + e.getProblem()));
    } catch (RuntimeException e) {
      throw new SpecException(origin, List.of("not valid YAML: " + e.getMessage()));
    }
    if (root == null) {
      throw new SpecException(origin, List.of("the file is empty: a pipeline needs spec.vertices and spec.edges"));
    }
    Fields top = Fields.of(root, "", "", problems);
    String api = top.string("apiVersion");
    String kind = top.string("kind");
    boolean numaflow = NUMAFLOW_API.equals(api);
    if (api != null && !numaflow && !FLOWMESH_API.equals(api)) {
      problems.add("apiVersion '" + api + "' is not supported: use " + NUMAFLOW_API + ", " + FLOWMESH_API + " or none");
    }
    if (kind != null && !kind.equals("Pipeline")) {
      problems.add("kind '" + kind + "' is not supported: only Pipeline"
          + (kind.equals("MonoVertex") ? " (write the MonoVertex as a pipeline: source -> map -> sink)" : ""));
    } else if (kind == null && api != null) {
      problems.add("kind is missing: a spec with an apiVersion says kind: Pipeline");
    }
    String name = fallbackName;
    String namespace = null;
    Fields metadata = top.object("metadata");
    if (metadata != null) {
      String n = metadata.string("name");
      if (n != null && !n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        problems.add(metadata.where("name") + " '" + n + "' is not a name: 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit");
      } else if (n != null) {
        name = n;
      }
      namespace = metadata.string("namespace");
      if (namespace != null && !K8S_NAMESPACE.matcher(namespace).matches()) {
        problems.add(metadata.where("namespace") + " '" + namespace + "' is not a Kubernetes namespace name (a DNS-1123 label):"
            + " 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit");
        namespace = null;
      }
      metadata.rejectRest(METADATA_HINTS::get);
    }
    String named = name.equals(fallbackName) ? origin : origin + " (pipeline '" + name + "')";
    Fields spec = top.object("spec");
    top.rejectRest(TOP_HINTS::get);
    if (spec == null) {
      problems.add("spec is missing: a pipeline needs spec.vertices and spec.edges");
      throw new SpecException(named, problems);
    }
    Limits pipelineLimits = limits(spec.object("limits"));
    Map<String, String> pipelineSettings = pipelineSettings(spec);
    List<VertexSpec> vertices = new ArrayList<>();
    Set<String> unreadable = new HashSet<>(); // vertices with a name but reported too broken to check the graph with
    List<?> vertexNodes = spec.list("vertices");
    for (int i = 0; i < vertexNodes.size(); i++) {
      VertexSpec v = VertexParser.parse(vertexNodes.get(i), i, pipelineLimits, pipelineSettings, problems);
      if (v != null) {
        vertices.add(v);
      } else if (vertexNodes.get(i) instanceof Map<?, ?> m && m.get("name") instanceof String n && !n.isBlank()) {
        unreadable.add(n);
      }
    }
    List<EdgeSpec> edges = new ArrayList<>();
    List<?> edgeNodes = spec.list("edges");
    for (int i = 0; i < edgeNodes.size(); i++) {
      EdgeSpec e = edge(edgeNodes.get(i), i, problems);
      if (e != null) {
        edges.add(e);
      }
    }
    spec.rejectRest(SPEC_HINTS::get);
    PipelineSpec parsed = new PipelineSpec(name, namespace, named, numaflow, vertices, edges);
    problems.addAll(SpecValidator.validate(parsed, vertexNodes.size(), unreadable));
    if (!problems.isEmpty()) {
      throw new SpecException(named, problems);
    }
    return parsed;
  }

  /** {@code spec.settings} (Flowmesh): common keys for every vertex; a vertex's own settings win. */
  private static Map<String, String> pipelineSettings(Fields spec) {
    Map<String, String> out = new LinkedHashMap<>();
    spec.flatMap("settings").forEach((key, value) -> {
      if (!SettingKeys.common(key)) {
        spec.problem(spec.where("settings") + ": " + key + " is not a key every vertex has: set it in the settings of the vertices it is for");
      } else if (key.equals("edge.token")) {
        spec.problem(spec.where("settings") + ": edge.token is set by the runner: it gives every vertex one fresh edge token per run");
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  /** Numaflow's limits, the part Flowmesh has: read batch size, input buffer length, concurrency. */
  record Limits(Long readBatchSize, Long bufferMaxLength, Long concurrency) {
    static final Limits NONE = new Limits(null, null, null);
  }

  static Limits limits(Fields f) {
    if (f == null) {
      return Limits.NONE;
    }
    Limits l = new Limits(f.number("readBatchSize", 1), f.number("bufferMaxLength", 1), f.number("concurrency", 1));
    f.rejectRest(LIMITS_HINTS::get);
    return l;
  }

  private static EdgeSpec edge(Object node, int index, List<String> problems) {
    String owner = "spec.edges[" + index + "]";
    if (node instanceof Map<?, ?> m && m.get("from") != null && m.get("to") != null) {
      owner = "edge " + m.get("from") + " -> " + m.get("to");
    }
    Fields f = Fields.of(node, owner, "", problems);
    String from = f.required("from");
    String to = f.required("to");
    TagCondition condition = null;
    Fields conditions = f.object("conditions");
    if (conditions != null) {
      Fields tags = conditions.object("tags");
      if (tags == null) {
        problems.add(conditions.here() + " needs 'tags' (operator and values)");
      } else {
        String op = tags.string("operator");
        if (op == null) {
          op = "or"; // Numaflow's default
        } else if (!TagCondition.OPERATORS.contains(op)) {
          problems.add(tags.where("operator") + " '" + op + "' is not one of or, and, not");
          op = null;
        }
        List<String> values = tags.strings("values");
        if (values == null || values.isEmpty()) {
          problems.add(tags.here() + " needs at least one tag in 'values'");
        } else if (values.stream().anyMatch(v -> v.isBlank() || v.contains(","))) {
          problems.add(tags.where("values") + " holds an empty tag or one with a comma: " + values);
        } else if (op != null) {
          condition = new TagCondition(op, values);
        }
        tags.rejectRest();
      }
      conditions.rejectRest();
    }
    String onFull = f.string("onFull");
    if (onFull != null && !onFull.equals("retryUntilSuccess")) {
      problems.add(f.where("onFull") + " '" + onFull + "' is not supported: a full downstream always holds the upstream back"
          + " by credit (Numaflow's retryUntilSuccess); nothing is discarded");
    }
    f.rejectRest();
    return from == null || to == null ? null : new EdgeSpec(from, to, condition, index);
  }
}
