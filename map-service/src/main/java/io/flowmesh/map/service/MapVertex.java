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
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
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
 * The running map vertex: {@code map.instances} map instances and the output edge they share,
 * which runs on instance 0's event loop.
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

  /**
   * Deploys instance 0, which opens the output edge on its own event loop before it subscribes
   * upstream, then the other instances. One instance (the default) thus hands its outputs to the
   * edge on the same thread; each further instance hands them across to instance 0's loop.
   */
  public static Future<Vertex> start(Vertx vertx, MapConfig config, Common common, MeterRegistry registry) {
    int n = config.instances() > 0 ? config.instances() : common.eventLoops();
    String processId = "map-" + UUID.randomUUID().toString().substring(0, 8);
    EdgeHost host = new EdgeHost(vertx, config, common, registry, n);
    List<MapInstance> instances = new ArrayList<>();
    MapInstance first = new MapInstance(0, processId, config, common.edge(), host, registry, common.vertexName());
    instances.add(first);
    return vertx.deployVerticle(first).compose(id -> {
      if (n == 1) {
        return Future.succeededFuture();
      }
      AtomicInteger next = new AtomicInteger(1);
      return vertx.deployVerticle(() -> {
        MapInstance inst = new MapInstance(next.getAndIncrement(), processId, config, common.edge(), host, registry,
            common.vertexName());
        synchronized (instances) {
          instances.add(inst);
        }
        return inst;
      }, new DeploymentOptions().setInstances(n - 1).setThreadingModel(ThreadingModel.EVENT_LOOP)).mapEmpty();
    }).map(x -> {
      synchronized (instances) {
        return (Vertex) new MapVertex(List.copyOf(instances), host.edge, host.context);
      }
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
      // which Netty allocator the direct buffers come from (map-service's Main picks the pooled one)
      return new JsonObject().put("instances", arr).put("edge", es)
          .put("bufferAllocator", ByteBufAllocator.DEFAULT.getClass().getSimpleName());
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

  /**
   * The output edge, shared by the instances; opened by instance 0 on its own context
   * ({@link #open}) before any instance emits.
   */
  static final class EdgeHost {

    private final Vertx vertx;
    private final MapConfig config;
    private final Common common;
    private final MeterRegistry registry;
    private final int instances;
    /** Set by {@link #open} on instance 0's loop; read by later instances after their deployment, which it happens before. */
    volatile OutputEdge edge;
    volatile Context context;

    EdgeHost(Vertx vertx, MapConfig config, Common common, MeterRegistry registry, int instances) {
      this.vertx = vertx;
      this.config = config;
      this.common = common;
      this.registry = registry;
      this.instances = instances;
    }

    /** Opens the edge server on {@code ctx} (instance 0's, the caller's) and starts watching for orphaning. */
    Future<Void> open(Context ctx) {
      int capacity = instances * config.engine().outputCapacity() + 1024;
      EdgeServer server = new EdgeServer(vertx, common.vertexName(),
          common.edge().withAuth(common.edge().auth().withAllowedSubscribers(config.allowedSubscribers())), capacity,
          config.routes(), registry);
      OutputEdge e = new OutputEdge(server, instances);
      e.watch(new OrphanWatch(vertx, server, common.edge().reconnectMax(), common.orphanTimeout(),
          CommonKeys.EDGE_ORPHAN_TIMEOUT.name(), e));
      context = ctx;
      edge = e;
      return server.listen(common.host(), config.edgePort()).onSuccess(p -> e.orphanWatch().start()).mapEmpty();
    }
  }
}
