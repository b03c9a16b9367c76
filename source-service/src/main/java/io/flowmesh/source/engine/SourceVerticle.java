package io.flowmesh.source.engine;

import io.flowmesh.runtime.service.OnContext;
import io.flowmesh.runtime.edge.AckListener;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeRoutes;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.OrphanWatch;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.edge.Watermarks;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.source.SourceKeys;
import io.flowmesh.source.transformer.TransformStage;
import io.flowmesh.source.transformer.TransformerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source vertex's engine: serves the edge, lets its {@link Producer} fill the edge's bounded
 * queue, counts acks, and hands the producer's watermark to the edge every
 * {@code watermarkInterval}.
 *
 * <h2>Concurrency</h2>
 * All state is confined to this verticle's event loop; the producer and the edge server live there
 * too. Other threads reach it only through {@link #status()}, {@link #readiness()},
 * {@link #edgePort()} and {@link #shutdown}, which hop onto the context.
 */
public final class SourceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SourceVerticle.class);

  private final String host;
  private final int port;
  private final int queueCapacity;
  private EdgeRoutes routes = EdgeRoutes.SINGLE;
  private final EdgeOptions edgeOptions;
  private final String idPrefix;
  private final Duration watermarkInterval;
  private final MeterRegistry registry;
  private final SourceMetrics metrics;
  private final Producer producer;
  private EdgeServer server;
  private TransformerConfig transformerConfig;
  private Duration maxDelay = Duration.ofSeconds(1);
  private Duration idleTimeout = Duration.ofSeconds(1);
  private TransformStage transformer;
  private OrphanWatch watch;
  private IdSequence ids;
  private long tickTimer = -1;
  private long ackedSinceTick;
  private boolean stopping;

  /**
   * @param host the edge's bind address
   * @param port the edge's port (0 = any free one)
   * @param queueCapacity the edge queue, in messages
   * @param idPrefix the id prefix, or null for a random one
   * @param vertexName this vertex's name ({@code vertex.name}), the vertex label of its edge metrics
   */
  private final String vertexName;

  public SourceVerticle(String host, int port, int queueCapacity, EdgeOptions edgeOptions, String idPrefix,
      Duration watermarkInterval, MeterRegistry registry, SourceMetrics metrics, Producer producer, String vertexName) {
    this.vertexName = vertexName;
    this.host = host;
    this.port = port;
    this.queueCapacity = queueCapacity;
    this.edgeOptions = edgeOptions;
    this.idPrefix = idPrefix;
    this.watermarkInterval = watermarkInterval;
    this.registry = registry;
    this.metrics = metrics;
    this.producer = producer;
  }

  /**
   * Puts the source transformer between the producer and the edge when {@code config.enabled()};
   * its event times feed the watermark ({@code maxDelay}, {@code idleTimeout} as for event-time sources).
   */
  public SourceVerticle transformer(TransformerConfig config, Duration maxDelay, Duration idleTimeout) {
    this.transformerConfig = config;
    this.maxDelay = maxDelay;
    this.idleTimeout = idleTimeout;
    return this;
  }

  /** The outbound edges and their tag conditions ({@code source.edge.to}); one unnamed edge unless set. */
  public SourceVerticle routes(EdgeRoutes r) {
    this.routes = r;
    return this;
  }

  @Override
  public Future<?> start() {
    server = new EdgeServer(vertx, vertexName, edgeOptions, queueCapacity, routes, registry);
    ids = new IdSequence(idPrefix);
    AckListener toProducer = (m, a, reply) -> {
      ackedSinceTick++;
      producer.acked(m, a, reply);
    };
    if (transformerConfig != null && transformerConfig.enabled()) {
      transformer = new TransformStage(vertx, server, transformerConfig, registry, toProducer, maxDelay, idleTimeout);
      server.ackListener(transformer);
      transformer.start();
    } else {
      server.ackListener(toProducer);
    }
    producer.start(vertx, server, ids);
    // A source keeps what it has (it is the origin); the watch only says when nobody reads it.
    watch = new OrphanWatch(vertx, server, edgeOptions.reconnectMax(), edgeOptions.reconnectMax(),
        CommonKeys.EDGE_ORPHAN_TIMEOUT.name(), null);
    tick();
    tickTimer = vertx.setPeriodic(watermarkInterval.toMillis(), id -> tick());
    return server.listen(host, port, SourceKeys.EDGE_PORT.name()).onSuccess(p -> watch.start()).onSuccess(p -> LOG.info("source started type={} idPrefix={} edge={}:{} queueCapacity={}",
        producer.type(), ids.prefix(), host, p, queueCapacity));
  }

  private void tick() {
    long now = System.currentTimeMillis();
    producer.tick(now);
    long wm = producer.watermark(now);
    server.watermark(transformer == null ? wm : Math.min(wm, transformer.watermark(now)));
    metrics.watermark(server.watermark());
    metrics.acked(ackedSinceTick);
    ackedSinceTick = 0;
  }

  /** Runs {@code fn} on this verticle's event loop; the future completes on the caller's context. */
  public <T> Future<T> call(Supplier<T> fn) {
    return OnContext.call(context, fn);
  }

  /** Runs {@code fn} on the source's event loop and waits for its future; completes on the caller's context. */
  public <T> Future<T> compose(Supplier<Future<T>> fn) {
    return OnContext.compose(context, fn);
  }

  /** The bound edge port (-1 before it listens). */
  public Future<Integer> edgePort() {
    return OnContext.call(context, () -> server.port());
  }

  /**
   * Ready when the edge listens, messages do not wait in its queue with no subscriber for longer
   * than {@code edge.reconnect-max}, and the producer is healthy.
   */
  public Future<Readiness> readiness() {
    return OnContext.call(context, () -> {
      if (stopping) {
        return Readiness.notReady("stopping");
      }
      if (server.port() <= 0) {
        return Readiness.notReady("edge not listening yet on port " + port);
      }
      String unread = watch.notReadyReason();
      if (unread != null) {
        return Readiness.notReady(unread);
      }
      Readiness r = producer.readiness();
      return transformer == null || !r.ready() ? r : transformer.readiness();
    });
  }

  /** The source's state for {@code /status}. */
  public Future<JsonObject> status() {
    return OnContext.call(context, () -> {
      JsonObject j = new JsonObject().put("type", producer.type()).put("idPrefix", ids.prefix())
          .put("edgePort", server.port()).put("stopping", stopping)
          .put("watermark", server.watermark()).put("watermarkTime", Watermarks.format(server.watermark()));
      producer.status(j);
      if (transformer != null) {
        transformer.status(j);
      }
      return j.put("edge", server.status().put("subscription", watch.status()));
    });
  }

  /**
   * Stops producing, waits until what is queued and unacked was acknowledged (at most
   * {@code timeout}), then closes the edge.
   */
  public Future<Void> shutdown(Duration timeout) {
    return OnContext.compose(context, () -> {
      if (stopping) {
        return Future.succeededFuture();
      }
      stopping = true;
      producer.stop();
      LOG.info("source draining queued={} unacked={} timeoutMs={}", server.queued(), server.unacked(), timeout.toMillis());
      long start = System.nanoTime();
      Future<Void> held = transformer == null ? Future.succeededFuture() : transformer.drain(timeout.toMillis());
      return held.compose(x -> server.drain(Math.max(1, timeout.toMillis() - (System.nanoTime() - start) / 1_000_000))).compose(v -> {
        vertx.cancelTimer(tickTimer);
        watch.stop();
        tick();
        LOG.info("source drained acked={} redelivered={} left={}", server.acked(), server.redelivered(),
            server.queued() + server.unacked());
        Future<Void> closed = transformer == null ? producer.close() : transformer.close().eventually(producer::close);
        return closed.eventually(server::close);
      });
    });
  }
}
