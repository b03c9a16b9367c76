package io.flowmesh.pipeline.deploy;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline as containers run it, whatever runs them (compose, Kubernetes). Every vertex runs
 * the Flowmesh image ({@link #IMAGE_JARS}); its UDFs run as containers of their own, reached over
 * TCP. Ports are fixed container ports, the same in every replica; a subscriber finds the replicas
 * of its upstream vertex by the DNS name of that vertex's service ({@code <vertex>:9090}), which the
 * services already re-resolve every {@code resolve-interval}.
 *
 * <p>The edge token is not in any settings: each renderer gives it from the environment or a
 * secret as {@code FLOWMESH_EDGE_TOKEN} ({@link #EDGE_TOKEN_ENV}).
 *
 * @param pipeline the spec's {@code metadata.name}
 * @param namespace the spec's {@code metadata.namespace}, or null: what to install into on Kubernetes (compose has no use for it)
 * @param origin what a report of its problems names it by: the spec's ({@link io.flowmesh.pipeline.spec.PipelineSpec#origin})
 * @param vertices from the sources down (a topological order): the order to stop them in, so each
 *     drains into a live downstream; start in the reverse order
 */
public record Deployment(String pipeline, String namespace, String origin, List<VertexDeployment> vertices) {

  /** Where the jars are in the Flowmesh image (the Dockerfile's {@code /app}). */
  public static final String IMAGE_JARS = "/app";
  /** Every vertex's HTTP port (health, metrics, status) inside its container. */
  public static final int HTTP_PORT = 8080;
  /** Every source's and map's edge port inside its container. */
  public static final int EDGE_PORT = 9090;
  /** The port of a vertex's first UDF container; the next UDF of the same vertex takes the next port. */
  public static final int FIRST_UDF_PORT = 50051;
  /** What {@code ${run}} in a spec stands for in a container: a directory to mount a volume on. */
  public static final String DATA_DIR = "/data";
  /** The variable every vertex takes the edge token from. */
  public static final String EDGE_TOKEN_ENV = "FLOWMESH_EDGE_TOKEN";

  public Deployment {
    vertices = List.copyOf(vertices);
  }

  public Optional<VertexDeployment> vertex(String name) {
    return vertices.stream().filter(v -> v.name().equals(name)).findFirst();
  }
}
