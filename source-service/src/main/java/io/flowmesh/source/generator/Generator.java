package io.flowmesh.source.generator;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.flow.TokenBucket;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates messages against credit only: each time the edge reports {@link EdgeServer#demand()
 * demand}, it offers at most that many (and at most what its token bucket allows when a rate is
 * set), so it never builds a backlog of its own. A bounded run (a count or a duration) reports
 * itself complete once every message it produced was acknowledged.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop: the demand handler, the rate timer and the
 * {@link Producer} methods all run there.
 */
public final class Generator implements Producer {

  private static final Logger LOG = LoggerFactory.getLogger(Generator.class);
  /** Most messages produced in one event-loop turn; the edge asks again once it has sent them. */
  private static final int MAX_PER_TURN = 4096;
  /**
   * How often a rate-limited generator refills its bucket and produces: every 1 ms from 1,000 msg/s
   * up, about once per message from 100 to 1,000 msg/s, every 10 ms below that. Each tick's tokens
   * leave as one burst stamped with one ingest time, and the pipeline drains a burst at its top
   * speed, so the tick shows in end-to-end latency: at 144,000 msg/s a 10 ms tick sent 1,440 at once,
   * a 1 ms tick sends 144. A slow generator does not wake its event loop a thousand times a second.
   */
  static long tickMillis(double rate) {
    return Math.max(1, Math.min(10, Math.round(1000 / rate)));
  }

  private final GeneratorConfig config;
  private final SourceMetrics metrics;
  private final GeneratorWatermark watermark;
  private Vertx vertx;
  private EdgeServer server;
  private MessageFactory factory;
  private TokenBucket bucket;
  private long rateTimer = -1;
  private long produced;
  private long acked;
  private long startNanos = -1;
  private long startMillis;
  private long endMillis;
  private boolean exhausted;
  private boolean stopped;
  private boolean completeLogged;

  public Generator(GeneratorConfig config, SourceMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.watermark = new GeneratorWatermark(config.jitter().toMillis());
  }

  @Override
  public String type() {
    return "generator";
  }

  @Override
  public void start(Vertx vertx, EdgeServer server, IdSequence ids) {
    this.vertx = vertx;
    this.server = server;
    this.factory = new MessageFactory(config, ids);
    server.demandHandler(v -> produce());
    if (config.rate() > 0) {
      bucket = new TokenBucket(config.rate(), Math.max(1, config.rate() / 20), System.nanoTime());
      rateTimer = vertx.setPeriodic(tickMillis(config.rate()), id -> {
        bucket.refill(System.nanoTime());
        produce();
      });
    }
  }

  private void produce() {
    if (stopped || exhausted || checkExhausted(System.nanoTime())) {
      return;
    }
    long n = Math.min(server.demand(), MAX_PER_TURN);
    if (bucket != null) {
      n = Math.min(n, bucket.available());
    }
    if (config.count() != null) {
      n = Math.min(n, config.count() - produced);
    }
    if (n <= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    if (startNanos < 0) {
      startNanos = System.nanoTime();
      startMillis = now;
    }
    long k = 0;
    long bytes = 0;
    while (k < n) {
      EdgeMessage m = factory.next(now);
      if (!server.offer(m, null)) {
        break;
      }
      bytes += m.getValue().size();
      k++;
    }
    if (bucket != null) {
      bucket.take(k);
    }
    produced += k;
    metrics.produced(k, bytes);
    watermark.produced(produced, now);
    checkExhausted(System.nanoTime());
  }

  /** Whether the count or the duration is used up; marks the run exhausted when it is. */
  private boolean checkExhausted(long nowNanos) {
    if (exhausted) {
      return true;
    }
    boolean countDone = config.count() != null && produced >= config.count();
    boolean timeDone = config.duration() != null && startNanos >= 0 && nowNanos - startNanos >= config.duration().toNanos();
    if (countDone || timeDone) {
      exhausted = true;
      endMillis = System.currentTimeMillis();
      LOG.info("generator finished producing produced={} reason={}", produced, countDone ? "count" : "duration");
      cancelRateTimer();
    }
    return exhausted;
  }

  private void cancelRateTimer() {
    if (rateTimer >= 0) {
      vertx.cancelTimer(rateTimer);
      rateTimer = -1;
    }
  }

  /** A bounded run whose every message was acknowledged. */
  public boolean complete() {
    return exhausted && acked == produced;
  }

  @Override
  public void acked(EdgeMessage message, Object attachment) {
    acked++;
    if (exhausted && acked == produced && !completeLogged) {
      reportComplete();
    }
  }

  private void reportComplete() {
    completeLogged = true;
    long millis = Math.max(1, System.currentTimeMillis() - startMillis);
    LOG.info("generator complete: every message acked produced={} acked={} redelivered={} elapsedMs={} ratePerSec={}",
        produced, acked, server.redelivered(), millis, produced * 1000 / millis);
  }

  @Override
  public void tick(long nowMillis) {
    checkExhausted(System.nanoTime());
    if (exhausted && acked == produced && !completeLogged) {
      reportComplete();
    }
  }

  @Override
  public long watermark(long nowMillis) {
    return watermark.watermark(nowMillis, produced, server.queued());
  }

  @Override
  public void stop() {
    stopped = true;
    cancelRateTimer();
  }

  @Override
  public Readiness readiness() {
    return Readiness.READY;
  }

  @Override
  public void status(JsonObject into) {
    into.put("bounded", config.bounded()).put("produced", produced).put("acked", acked)
        .put("exhausted", exhausted).put("complete", complete());
    if (exhausted) {
      into.put("producingMs", endMillis - startMillis);
    }
  }
}
