package io.flowmesh.systemtests;

import java.nio.file.Path;

/** The three services: their jar, main class and port keys. */
enum Vertex {
  SOURCE("source", "source-service/target/source-service.jar", "io.flowmesh.source.Main", "source.http.port", "source.edge.port"),
  MAP("map", "map-service/target/map-service.jar", "io.flowmesh.map.Main", "map.http.port", "map.edge.port"),
  SINK("sink", "sink-service/target/sink-service.jar", "io.flowmesh.sink.Main", "sink.http.port", null);

  private final String id;
  private final String jar;
  private final String mainClass;
  private final String httpPortKey;
  private final String edgePortKey;

  Vertex(String id, String jar, String mainClass, String httpPortKey, String edgePortKey) {
    this.id = id;
    this.jar = jar;
    this.mainClass = mainClass;
    this.httpPortKey = httpPortKey;
    this.edgePortKey = edgePortKey;
  }

  /** The service name, as in logs, metrics' {@code service} label and the compose file. */
  String id() {
    return id;
  }

  Path jar() {
    return Project.path(jar);
  }

  String mainClass() {
    return mainClass;
  }

  String httpPortKey() {
    return httpPortKey;
  }

  /** The key of the edge this vertex serves, or null (the sink serves none). */
  String edgePortKey() {
    return edgePortKey;
  }

  static Vertex byId(String id) {
    for (Vertex v : values()) {
      if (v.id.equals(id)) {
        return v;
      }
    }
    throw new IllegalArgumentException("no vertex " + id);
  }

  @Override
  public String toString() {
    return id;
  }
}
