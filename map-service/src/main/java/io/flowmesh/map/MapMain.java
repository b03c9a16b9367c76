package io.flowmesh.map;

import io.flowmesh.map.service.MapVertex;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.Common;
import io.flowmesh.runtime.service.Vertex;
import io.flowmesh.runtime.service.VertexMain;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;

/** map-service's main: config, then the map vertex. */
public final class MapMain extends VertexMain<MapConfig> {

  @Override
  protected String name() {
    return "map";
  }

  @Override
  protected Set<String> namespaces() {
    return Set.of("map", "udf");
  }

  @Override
  protected List<ConfigKey<?>> keys() {
    return MapKeys.all();
  }

  @Override
  protected List<ConfigKey<?>> commonKeyDefaults() {
    return List.of(MapKeys.EDGE_INPUT_CAPACITY, MapKeys.EDGE_INPUT_BYTES);
  }

  @Override
  protected MapConfig configure(Settings s) {
    return MapConfig.from(s);
  }

  @Override
  protected int httpPort(MapConfig config) {
    return config.httpPort();
  }

  @Override
  protected Future<Vertex> start(Vertx vertx, MapConfig config, Common common, PrometheusMeterRegistry registry) {
    return MapVertex.start(vertx, config, common, registry);
  }
}
