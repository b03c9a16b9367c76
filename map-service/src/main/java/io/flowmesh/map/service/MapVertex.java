package io.flowmesh.map.service;

import io.flowmesh.map.MapConfig;
import io.flowmesh.map.MapKeys;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.OrphanWatch;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.Common;
import io.flowmesh.runtime.service.OnContext;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.service.Vertex;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
   * upstream, then starts the other instances, each on the loop after the previous one's (round
   * robin: with more instances than loops, some share one). One instance (the default) thus hands
   * its outputs to the edge on the same thread; each further instance hands them across to
   * instance 0's loop.
   *
   * <p>The further instances are not deployed as verticles: Vert.x gives each new context the next
   * loop of its group, round robin over every context the process creates (servers, clients, other
   * deployments), so two instances could land on one loop and share one thread — as they did here,
   * with the second loop idle. Their contexts are built on the loops chosen.
   */
  public static Future<Vertex> start(Vertx vertx, MapConfig config, Common common, MeterRegistry registry) {
    int n = config.instances() > 0 ? config.instances() : common.eventLoops();
    String processId = "map-" + UUID.randomUUID().toString().substring(0, 8);
    EdgeHost host = new EdgeHost(vertx, config, common, registry, n);
    List<MapInstance> instances = new ArrayList<>();
    MapInstance first = new MapInstance(0, processId, config, common.edge(), host, registry, common.vertexName());
    instances.add(first);
    return vertx.deployVerticle(first).compose(id -> {
      List<EventLoop> loops = eventLoops(vertx);
      if (n > loops.size()) {
        LOG.warn("map.instances={} exceeds vertx.event-loops={}: instances share loops round robin, and the ones on "
            + "instance 0's loop share it with the output edge", n, loops.size());
      }
      int at = loops.indexOf(((ContextInternal) host.context).nettyEventLoop());
      List<Future<?>> started = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        MapInstance inst = new MapInstance(i, processId, config, common.edge(), host, registry, common.vertexName());
        instances.add(inst);
        started.add(startOn(vertx, inst, loops.get((at + i) % loops.size())));
      }
      return Future.all(started);
    }).map(x -> (Vertex) new MapVertex(List.copyOf(instances), host.edge, host.context));
  }

  /** The event loops of {@code vertx}, in their group's order. */
  private static List<EventLoop> eventLoops(Vertx vertx) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) e);
    }
    return loops;
  }

  /** Starts {@code inst} on a new event-loop context on {@code loop}. */
  private static Future<?> startOn(Vertx vertx, MapInstance inst, EventLoop loop) {
    ContextInternal ctx = ((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
    Promise<Object> started = ctx.promise();
    ctx.runOnContext(v -> {
      try {
        inst.init(vertx, ctx);
        inst.start().onComplete(started);
      } catch (Exception | Error e) {
        started.tryFail(e);
      }
    });
    return started.future();
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
    /** Set by {@link #open} on instance 0's loop; read by later instances when they start, which it happens before. */
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
      return server.listen(common.host(), config.edgePort(), MapKeys.EDGE_PORT.name()).onSuccess(p -> e.orphanWatch().start()).mapEmpty();
    }
  }
}
