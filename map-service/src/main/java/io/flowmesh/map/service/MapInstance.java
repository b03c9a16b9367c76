package io.flowmesh.map.service;

import io.flowmesh.map.MapConfig;
import io.flowmesh.map.engine.EngineConfig;
import io.flowmesh.map.engine.EngineStats;
import io.flowmesh.map.engine.MapEngine;
import io.flowmesh.map.udf.UdfClient;
import io.flowmesh.map.udf.UdfMode;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.Resolver;
import io.flowmesh.runtime.edge.UpstreamGroup;
import io.flowmesh.runtime.edge.UpstreamSet;
import io.flowmesh.runtime.errors.Reasons;
import io.flowmesh.runtime.service.OnContext;
import io.flowmesh.runtime.service.Readiness;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One map instance: its upstream subscriptions, its UDF client and its engine, all on this
 * instance's event loop (instance 0 is deployed as a verticle; the others are started by
 * {@link MapVertex} on contexts built on the loops it chose). The engine is built once the UDF
 * client has started (the UDF's server-info file may choose the mode); until then nothing is taken
 * from upstream.
 *
 * <h2>Concurrency</h2>
 * Everything here runs on this instance's context; other threads reach it through
 * {@link #onContext}.
 */
final class MapInstance extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MapInstance.class);

  private final int index;
  private final String processId;
  private final MapConfig config;
  private final EdgeOptions edgeOptions;
  private final String vertexName;
  private final MapVertex.EdgeHost edgeHost;
  private final MapMetrics metrics;
  private UpstreamGroup upstreams;
  private InstancePort port;
  private UdfClient udf;
  private MapEngine engine;
  /** map.concurrency=auto's limiter, or null. */
  private AutoConcurrency auto;
  private String udfError = "UDF client starting";
  private long watermarkTimer = -1;
  private boolean stopping;

  MapInstance(int index, String processId, MapConfig config, EdgeOptions edgeOptions, MapVertex.EdgeHost edgeHost,
      MeterRegistry registry, String vertexName) {
    this.vertexName = vertexName;
    this.index = index;
    this.processId = processId;
    this.config = config;
    this.edgeOptions = edgeOptions;
    this.edgeHost = edgeHost;
    this.metrics = new MapMetrics(registry, index, config.engine().concurrency(), config.engine().outputCapacity());
  }

  @Override
  public Future<?> start() {
    // instance 0 opens the output edge on its own loop; the others are started after that
    if (index == 0) {
      return edgeHost.open(context).onSuccess(v -> startInstance());
    }
    startInstance();
    return Future.succeededFuture();
  }

  private void startInstance() {
    OutputEdge edge = edgeHost.edge;
    port = new InstancePort(index, context, edgeHost.context, edge);
    InstancePort p = port;
    edgeHost.context.runOnContext(v -> edge.register(p));
    UdfBridge bridge = new UdfBridge(metrics.udfCallTime);
    udf = new UdfClient(vertx, config.udf(), bridge);
    metrics.bindUdf(udf);
    startUdf(bridge);
  }

  private void startUdf(UdfBridge bridge) {
    udf.start().onSuccess(v -> {
      EngineConfig ec = config.engine();
      boolean batch = udf.mode() == UdfMode.BATCH;
      engine = new MapEngine(vertx, new EngineConfig(ec.concurrency(), batch, ec.batchSize(), ec.batchTimeout(),
          ec.keyOrdering(), ec.outputCapacity(), ec.dropOnFailure()), port, bridge, port, new EngineStats());
      bridge.connect(udf, engine);
      if (config.concurrency().auto()) {
        auto = new AutoConcurrency(vertx, config.concurrency(), engine, udf.stats(), metrics, index);
        bridge.auto(auto);
      }
      port.engine(engine);
      if (port.orphanReason != null) {
        engine.orphaned(port.orphanReason);
      }
      metrics.bindEngine(engine);
      udfError = null;
      upstreams = new UpstreamGroup(vertx, vertexName, config.upstream(), config.resolveInterval(), edgeOptions, metrics.registry(),
          processId + "/" + index, new UpstreamSet.Listener() {
            @Override
            public void added(EdgeSubscriber s) {
              engine.addInput(s);
            }

            @Override
            public void removed(EdgeSubscriber s) {
              engine.removeInput(s);
            }
          }, Resolver.system(vertx));
      upstreams.start();
      watermarkTimer = vertx.setPeriodic(Math.max(1, edgeOptions.heartbeatInterval().toMillis()),
          id -> {
            engine.stats().updateOutputBlocked();
            port.watermark(engine.watermark());
          });
    }).onFailure(e -> {
      udfError = "UDF client cannot start: " + Reasons.of(e);
      LOG.warn("udf client failed to start instance={} error={} retryInMs=1000", index, Reasons.of(e));
      if (!stopping) {
        vertx.setTimer(1000, id -> startUdf(bridge));
      }
    });
  }

  /** Runs {@code fn} on this instance's event loop; the future completes on the caller's context. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> fn) {
    return OnContext.compose(context, fn);
  }

  Future<Readiness> readiness() {
    return onContext(() -> {
      // The UDF's current problem, never an earlier one (a stall) that something else replaced.
      String udfProblem = udf == null ? null : udf.problem();
      if (udfProblem != null) {
        return Future.succeededFuture(Readiness.notReady("instance " + index + ": " + udfProblem));
      }
      if (engine == null) {
        return Future.succeededFuture(Readiness.notReady("instance " + index + ": " + udfError));
      }
      if (upstreams.connected() == 0) {
        return Future.succeededFuture(Readiness.notReady("instance " + index + ": not connected to upstream " + config.upstream().describe()));
      }
      return udf.isReady().map(ok -> ok ? Readiness.READY
          : Readiness.notReady("instance " + index + ": UDF at " + config.udf().connection().address() + " is not ready"))
          .otherwise(e -> Readiness.notReady("instance " + index + ": " + udf.unreachable(e)));
    });
  }

  Future<JsonObject> status() {
    return onContext(() -> {
      // the thread this instance runs on (MapVertex places the instances on the loops round robin)
      JsonObject j = new JsonObject().put("instance", index).put("eventLoop", Thread.currentThread().getName());
      JsonArray up = new JsonArray();
      if (upstreams != null) {
        upstreams.subscribers().forEach(s -> up.add(s.status()));
      }
      j.put("upstream", up);
      if (upstreams != null) {
        j.put("upstreamVertices", upstreams.status());
      }
      String problem = udf.problem();
      if (problem != null) {
        j.put("udfProblem", problem);
      }
      if (engine == null) {
        return Future.succeededFuture(j.put("state", problem != null ? problem : udfError));
      }
      EngineStats st = engine.stats();
      if (auto != null) {
        j.put("limiter", auto.status());
      }
      return Future.succeededFuture(j.put("mode", udf.mode().mapMode()).put("concurrency", auto == null ? config.engine().concurrency() : auto.limit())
          .put("concurrencyMode", auto == null ? "fixed" : "auto")
          .put("inFlight", engine.inFlight()).put("unfinished", engine.unfinished()).put("ready", engine.ready())
          .put("waitingForKey", engine.waitingForKey()).put("outputsPending", engine.outputsPending())
          .put("watermark", engine.watermark()).put("elementsIn", st.elementsIn).put("outputs", st.outputs)
          .put("acked", st.acked).put("dropped", st.dropped).put("failedDropped", st.failedDropped)
          .put("failedNacked", st.failedNacked).put("givenBack", st.givenBack).put("udf", udf.stats().toString()).put("udfStalled", udf.stalled()));
    });
  }

  /**
   * Drains: takes no new input and grants no more credit, waits for every taken element to be
   * acked, then closes its edges (what they buffered goes back upstream, to the other replicas)
   * and the UDF client. Logs a line when it begins and when it ends, with the elements taken.
   */
  Future<Void> drain(long timeoutMillis) {
    return onContext(() -> {
      stopping = true;
      if (engine == null) {
        return closeAll();
      }
      long start = System.nanoTime();
      LOG.info("map instance={} draining elementsIn={} unfinished={} inFlight={}", index, engine.stats().elementsIn,
          engine.unfinished(), engine.inFlight());
      return engine.drain(timeoutMillis).compose(v -> {
        LOG.info("map instance={} drained elementsIn={} acked={} unfinished={} tookMs={}", index, engine.stats().elementsIn,
            engine.stats().acked, engine.unfinished(), (System.nanoTime() - start) / 1_000_000);
        return closeAll();
      });
    });
  }

  /** Closes the edges (their acks flushed first), then the UDF client. */
  private Future<Void> closeAll() {
    if (watermarkTimer >= 0) {
      vertx.cancelTimer(watermarkTimer);
    }
    if (auto != null) {
      auto.stop();
    }
    Future<Void> closing = upstreams == null ? Future.succeededFuture() : upstreams.close();
    // The edges' close futures complete off this loop; the UDF client is confined to it.
    return closing.transform(ar -> onContext(udf::close));
  }
}
