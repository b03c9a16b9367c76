package io.flowmesh.pipeline.spec;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline as its file describes it: vertices and edges (valid: see {@link SpecValidator}).
 *
 * @param name {@code metadata.name}, else the file's name
 * @param namespace {@code metadata.namespace}, a Kubernetes namespace name, or null: only the Helm
 *     rendering has a use for it (it is what to install into); a local run and compose ignore it, and say so
 * @param origin what a report of its problems names it by ({@link SpecException}): the file, and the
 *     pipeline's name when the file's name is not it ({@code p.yaml (pipeline 'even-odd')})
 * @param numaflowHeader whether the file had Numaflow's {@code apiVersion} (else Flowmesh's or none)
 */
public record PipelineSpec(String name, String namespace, String origin, boolean numaflowHeader, List<VertexSpec> vertices,
    List<EdgeSpec> edges) {

  public PipelineSpec {
    vertices = List.copyOf(vertices);
    edges = List.copyOf(edges);
  }

  public Optional<VertexSpec> vertex(String name) {
    return vertices.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The edges out of {@code vertex}, in file order. */
  public List<EdgeSpec> edgesFrom(String vertex) {
    return edges.stream().filter(e -> e.from().equals(vertex)).toList();
  }

  /** The edges into {@code vertex}, in file order. */
  public List<EdgeSpec> edgesTo(String vertex) {
    return edges.stream().filter(e -> e.to().equals(vertex)).toList();
  }
}
