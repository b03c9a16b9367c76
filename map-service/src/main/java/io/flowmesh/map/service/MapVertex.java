package io.flowmesh.map.service;

import io.flowmesh.map.MapConfig;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.OrphanWatch;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.Common;
import io.flowmesh.runtime.service.OnContext;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.service.Vertex;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running map vertex: the shared output edge on its own event loop, and
 * {@code map.instances} map instances.
 */
public final class MapVertex implements Vertex {

  private static final Logger LOG = LoggerFactory.getLogger(MapVertex.class);

  private final List<MapInstance> instances;
  private final OutputEdge edge;
  private final Context edgeContext;

  private MapVertex(List<MapInstance> instances, OutputEdge edge, Context edgeContext) {
    this.instances = instances;
    this.edge = edge;
    this.edgeContext = edgeContext;
  }

  /** Deploys the output edge, then the instances. */
  public static Future<Vertex> start(Vertx vertx, MapConfig config, Common common, MeterRegistry registry) {
    int n = config.instances() > 0 ? config.instances() : common.eventLoops();
    String processId = "map-" + UUID.randomUUID().toString().substring(0, 8);
    EdgeVerticle edgeVerticle = new EdgeVerticle(config, common, registry, n);
    return vertx.deployVerticle(edgeVerticle).compose(id -> {
      List<MapInstance> instances = new ArrayList<>();
      AtomicInteger next = new AtomicInteger();
      return vertx.deployVerticle(() -> {
        MapInstance inst = new MapInstance(next.getAndIncrement(), processId, config, common.edge(), edgeVerticle.edge,
            edgeVerticle.context(), registry, common.vertexName());
        synchronized (instances) {
          instances.add(inst);
        }
        return inst;
      }, new DeploymentOptions().setInstances(n).setThreadingModel(ThreadingModel.EVENT_LOOP))
          .map(x -> (Vertex) new MapVertex(List.copyOf(instances), edgeVerticle.edge, edgeVerticle.context()));
    });
  }

  @Override
  public Future<Readiness> readiness() {
    List<Future<Readiness>> all = new ArrayList<>();
    instances.forEach(i -> all.add(i.readiness()));
    Future<String> unread = OnContext.call(edgeContext, () -> edge.orphanWatch().notReadyReason());
    return Future.all(all).compose(cf -> unread.map(reason -> {
      Readiness r = reason == null ? Readiness.READY : Readiness.notReady(reason);
      for (int i = 0; i < all.size(); i++) {
        r = r.and(cf.resultAt(i));
      }
      return r;
    }));
  }

  @Override
  public Future<JsonObject> status() {
    List<Future<JsonObject>> all = new ArrayList<>();
    instances.forEach(i -> all.add(i.status()));
    Future<JsonObject> edgeStatus = OnContext.call(edgeContext, edge::status);
    return Future.all(all).compose(cf -> edgeStatus.map(es -> {
      JsonArray arr = new JsonArray();
      for (int i = 0; i < all.size(); i++) {
        arr.add(cf.resultAt(i));
      }
      return new JsonObject().put("instances", arr).put("edge", es);
    }));
  }

  @Override
  public Future<Void> stop(Duration timeout) {
    List<Future<Void>> drains = new ArrayList<>();
    instances.forEach(i -> drains.add(i.drain(timeout.toMillis())));
    return Future.join(drains).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("map instance did not drain cleanly: {}", ar.cause().toString());
      }
      return OnContext.compose(edgeContext, () -> {
        edge.orphanWatch().stop();
        return edge.server().close();
      });
    });
  }

  /** Owns the output edge's event loop. */
  private static final class EdgeVerticle extends VerticleBase {

    private final MapConfig config;
    private final Common common;
    private final MeterRegistry registry;
    private final int instances;
    OutputEdge edge;

    EdgeVerticle(MapConfig config, Common common, MeterRegistry registry, int instances) {
      this.config = config;
      this.common = common;
      this.registry = registry;
      this.instances = instances;
    }

    Context context() {
      return context;
    }

    @Override
    public Future<?> start() {
      int capacity = instances * config.engine().outputCapacity() + 1024;
      EdgeServer server = new EdgeServer(vertx, common.vertexName(),
          common.edge().withAuth(common.edge().auth().withAllowedSubscribers(config.allowedSubscribers())), capacity,
          config.routes(), registry);
      edge = new OutputEdge(server, instances);
      edge.watch(new OrphanWatch(vertx, server, common.edge().reconnectMax(), common.orphanTimeout(),
          CommonKeys.EDGE_ORPHAN_TIMEOUT.name(), edge));
      return server.listen(common.host(), config.edgePort()).onSuccess(p -> edge.orphanWatch().start());
    }
  }
}
