package io.flowmesh.console;

import io.flowmesh.pipeline.deploy.Deployment;
import io.flowmesh.pipeline.deploy.DeploymentModel;
import io.flowmesh.pipeline.spec.EdgeSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.VertexSpec;
import io.flowmesh.runtime.config.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the console watches: the vertices, each with the HTTP address of every replica, and the
 * edges with their tag conditions.
 *
 * @param name the pipeline's name as the page shows it (console.title, else the spec's {@code metadata.name}, else "pipeline")
 * @param fromSpec whether the edges come from a spec (else each poll reads them from the vertices' /status)
 */
public record Topology(String name, List<Vertex> vertices, List<Edge> edges, boolean fromSpec) {

  /** @param kind source, map or sink; "" until known (no spec and no answer yet) */
  public record Vertex(String name, String kind, List<HostPort> replicas) {
  }

  /** @param condition the tag condition as {@code or:even,odd}, or null: every message */
  public record Edge(String from, String to, String condition) {
  }

  public Topology {
    vertices = List.copyOf(vertices);
    edges = List.copyOf(edges);
  }

  /** The same graph under another name. */
  public Topology named(String title) {
    return new Topology(title, vertices, edges, fromSpec);
  }

  /**
   * The spec's graph; each vertex at its address in {@code addresses}, or else where the rendered
   * compose file and Helm values put it: at its name (the service's host name) and its HTTP port
   * in the container ({@link DeploymentModel}: {@code X.http.port}, 8080 by default).
   *
   * @throws IllegalArgumentException when {@code addresses} names a vertex the spec has not
   * @throws SpecException when a vertex without an address cannot be deployed by name (its name is no DNS label)
   */
  public static Topology of(PipelineSpec spec, Map<String, List<HostPort>> addresses) throws SpecException {
    for (String n : addresses.keySet()) {
      if (spec.vertex(n).isEmpty()) {
        throw new IllegalArgumentException("console.vertices names '" + n + "', which spec '" + spec.name() + "' has no vertex of");
      }
    }
    Deployment deployed = addresses.keySet().containsAll(spec.vertices().stream().map(VertexSpec::name).toList()) ? null
        : DeploymentModel.of(spec);
    List<Vertex> vs = new ArrayList<>();
    for (VertexSpec v : spec.vertices()) {
      List<HostPort> at = addresses.get(v.name());
      if (at == null) {
        int port = deployed.vertices().stream().filter(d -> d.name().equals(v.name())).findFirst().orElseThrow().httpPort();
        at = List.of(new HostPort(v.name(), port));
      }
      vs.add(new Vertex(v.name(), v.kind().service(), at));
    }
    List<Edge> es = new ArrayList<>();
    for (EdgeSpec e : spec.edges()) {
      es.add(new Edge(e.from(), e.to(), e.condition() == null ? null : e.condition().asSetting()));
    }
    return new Topology(spec.name(), vs, es, true);
  }

  /** Only addresses: the kinds and edges come from the vertices' /status as they answer. */
  public static Topology of(Map<String, List<HostPort>> addresses) {
    List<Vertex> vs = new ArrayList<>();
    addresses.forEach((n, at) -> vs.add(new Vertex(n, "", at)));
    return new Topology("pipeline", vs, List.of(), false);
  }
}
