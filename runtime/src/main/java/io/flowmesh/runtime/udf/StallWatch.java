package io.flowmesh.runtime.udf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Detects a UDF that holds in-flight work without answering: no response for
 * {@code <keys>.stall-timeout} while work is in flight. Then {@link #stalled()} is true (the
 * service reports not ready, through {@link UdfHealth#stalled}) and the owner's streams are
 * restarted, again after each further stall timeout of silence, until a response arrives or
 * nothing is in flight. Time the UDF cannot be reached at all does not count: it is reported as
 * unreachable, not as stalled.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop; {@link #stalls()} and {@link #stalled()} may be read
 * from elsewhere for metrics (plain fields: the value may be a moment old).
 */
public final class StallWatch {

  private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

  /** Restarts the owner's streams after a stall. */
  public interface Restart {
    void restart(String reason, long now);
  }

  private final UdfHealth health;
  private final Duration timeout;
  private final long timeoutNanos;
  private long quietSinceNanos;
  private boolean stalled;
  private long stalls;

  /**
   * @param health told of each stall and of its end by idleness
   * @param timeout the stall timeout
   */
  public StallWatch(UdfHealth health, Duration timeout) {
    this.health = health;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
  }

  /** True while the UDF is stalled. */
  public boolean stalled() {
    return stalled;
  }

  /** Times the UDF was found stalled. */
  public long stalls() {
    return stalls;
  }

  /** Work arrived while nothing was in flight: the silence is measured from now. */
  public void onBusy(long now) {
    quietSinceNanos = now;
  }

  /** The UDF answered. */
  public void onResponse(long now) {
    quietSinceNanos = now;
    if (stalled) {
      stalled = false;
      LOG.info("{} responding again: address={}", health.kind(), health.address());
    }
  }

  /**
   * Called by the owner's periodic sweep with what is in flight ({@code unit}: "element",
   * "message", ..., for the reason); restarts through {@code restart} when stalled.
   */
  public void check(long now, int inFlight, String unit, Restart restart) {
    if (inFlight == 0) {
      health.idle();
      if (stalled) {
        stalled = false;
        LOG.info("{} no longer stalled, nothing in flight: address={}", health.kind(), health.address());
      }
      return;
    }
    if (health.unreachableNow()) {
      // nothing was sent to a UDF that cannot be reached: the silence is measured from when it is back
      quietSinceNanos = now;
      return;
    }
    if (now - quietSinceNanos < timeoutNanos) {
      return;
    }
    String reason = "no response for " + timeout + " with " + inFlight + " " + unit + "(s) in flight";
    if (!stalled) {
      stalled = true;
      stalls++;
      LOG.warn("{} stalled; reporting not ready and restarting its streams: address={} reason={}",
          health.kind(), health.address(), reason);
    }
    health.stalled(reason);
    quietSinceNanos = now;
    restart.restart(reason, now);
  }
}
