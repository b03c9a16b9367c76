package io.flowmesh.map.udf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Detects a UDF that holds in-flight work without answering: no response for
 * {@code udf.stall-timeout} while elements are in flight. Then {@link #stalled()} is true
 * (the service reports not ready) and the streams are restarted, again after each further
 * {@code udf.stall-timeout} of silence, until a response arrives or nothing is in flight.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class StallWatch {

  private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

  private final UdfStats stats;
  private final UdfHealth health;
  private final UdfAddress address;
  private final Duration timeout;
  private final long timeoutNanos;
  private long quietSinceNanos;
  private boolean stalled;

  StallWatch(UdfStats stats, UdfHealth health, UdfAddress address, Duration timeout) {
    this.stats = stats;
    this.health = health;
    this.address = address;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
  }

  boolean stalled() {
    return stalled;
  }

  /** Work arrived while nothing was in flight: the silence is measured from now. */
  void onBusy(long now) {
    quietSinceNanos = now;
  }

  /** The UDF answered an element. */
  void onResponse(long now) {
    quietSinceNanos = now;
    if (stalled) {
      stalled = false;
      stats.stalled = false;
      LOG.info("UDF responding again: address={}", address);
    }
  }

  /** Called by the sweep. */
  void check(long now, int inFlight, Dispatcher dispatcher) {
    if (inFlight == 0) {
      health.idle();
      if (stalled) {
        stalled = false;
        stats.stalled = false;
        LOG.info("UDF no longer stalled, nothing in flight: address={}", address);
      }
      return;
    }
    if (now - quietSinceNanos < timeoutNanos) {
      return;
    }
    String reason = "no response for " + timeout + " with " + inFlight + " element(s) in flight";
    if (!stalled) {
      stalled = true;
      stats.stalled = true;
      stats.stalls++;
      LOG.warn("UDF stalled; reporting not ready and restarting its streams: address={} reason={}",
          address, reason);
    }
    health.stalled(reason);
    quietSinceNanos = now;
    dispatcher.restart(reason, now);
  }
}
