package io.flowmesh.pipeline.spec;

/** What a vertex is, and the Flowmesh service that runs it. */
public enum VertexKind {
  SOURCE("source"), MAP("map"), SINK("sink");

  private final String service;

  VertexKind(String service) {
    this.service = service;
  }

  /** The service kind: {@code source}, {@code map} or {@code sink} (also its key namespace). */
  public String service() {
    return service;
  }
}
