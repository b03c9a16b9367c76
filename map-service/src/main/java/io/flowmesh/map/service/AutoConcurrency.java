package io.flowmesh.map.service;

import io.flowmesh.map.concurrency.AdaptiveLimit;
import io.flowmesh.map.concurrency.ConcurrencySettings;
import io.flowmesh.map.engine.MapEngine;
import io.flowmesh.map.udf.UdfStats;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code map.concurrency=auto} for one map instance: an {@link AdaptiveLimit} fed by the UDF's
 * answers, steering the engine's in-flight limit and the limit gauge, and ticked every
 * {@value #TICK_MS} ms for errors and timeouts.
 *
 * <h2>Concurrency</h2>
 * On the instance's event loop, like the engine.
 */
final class AutoConcurrency {

  private static final Logger LOG = LoggerFactory.getLogger(AutoConcurrency.class);
  static final long TICK_MS = 100;

  private final Vertx vertx;
  private final ConcurrencySettings settings;
  private final MapEngine engine;
  private final AdaptiveLimit limit;
  private final long timer;

  AutoConcurrency(Vertx vertx, ConcurrencySettings settings, MapEngine engine, UdfStats udf, MapMetrics metrics, int instance) {
    this.vertx = vertx;
    this.settings = settings;
    this.engine = engine;
    this.limit = new AdaptiveLimit(settings, () -> udf.retries() + udf.failures(), n -> {
      engine.limit(n);
      metrics.limit(n);
    }, System.nanoTime());
    engine.limit(limit.limit());
    metrics.limit(limit.limit());
    this.timer = vertx.setPeriodic(TICK_MS, id -> limit.tick(System.nanoTime()));
    LOG.info("map concurrency auto instance={} bounds=[{}, {}] start={} probeInterval={}", instance, settings.min(), settings.max(),
        limit.limit(), settings.probeInterval());
  }

  /**
   * One element answered after {@code nanos}; called once per element, allocation-free. It reads
   * the clock itself rather than taking the answer's arrival time: a sample may end a window, and
   * the next window starts at that moment, which must come after every element already sent under
   * the old limit; answers earlier in the same received chunk may have had the engine send more,
   * stamped later than the chunk's arrival.
   */
  void onAnswer(long nanos) {
    limit.onSample(nanos, engine.inFlight(), System.nanoTime());
  }

  int limit() {
    return limit.limit();
  }

  /** The limiter's state for /status. */
  JsonObject status() {
    return new JsonObject().put("limit", limit.limit()).put("min", settings.min()).put("max", settings.max())
        .put("phase", limit.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("minRttMs", limit.minRttNanos() / 1e6).put("rttMs", limit.rttNanos() / 1e6)
        .put("queueEstimate", Math.round(limit.queue() * 10) / 10.0).put("windows", limit.windows())
        .put("throughput", Math.round(limit.rate())).put("floor", limit.floor()).put("trials", limit.trials())
        .put("paidTrials", limit.paidTrials()).put("errorBackoffs", limit.backoffs());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }
}
