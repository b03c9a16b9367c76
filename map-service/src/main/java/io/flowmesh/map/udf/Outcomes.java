package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.StallWatch;
import io.flowmesh.runtime.udf.UdfHealth;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The one outcome of each element a {@link UdfClient} accepted: its results ({@link #deliver}),
 * or, once its attempts are spent as {@code udf.retry.max-attempts} and {@code udf.on-failure}
 * say, its failure ({@link #giveUp}); a failed attempt to be retried gets its backoff here. Counts
 * the elements not yet reported, and tells the {@link UdfListener}, the stats, the stall watch and
 * the health what happened.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop, like the client.
 */
final class Outcomes {

  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

  private final Context context;
  private final UdfConfig config;
  private final UdfListener listener;
  private final UdfStats stats;
  private final InFlight inFlight;
  private final StallWatch stallWatch;
  private final UdfHealth health;
  private final Backoff retryBackoff;
  private int elements;
  private boolean closed;

  Outcomes(Context context, UdfConfig config, UdfListener listener, UdfStats stats, InFlight inFlight,
      StallWatch stallWatch, UdfHealth health) {
    this.context = context;
    this.config = config;
    this.listener = listener;
    this.stats = stats;
    this.inFlight = inFlight;
    this.stallWatch = stallWatch;
    this.health = health;
    this.retryBackoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
  }

  /** Elements accepted and not yet reported to the listener. */
  int elements() {
    return elements;
  }

  /** The client closed: a failed attempt is no longer retried (what is left is given up by the client). */
  void close() {
    closed = true;
  }

  /**
   * Takes {@code element} on: its attempt to send, or null if it can never be sent (larger than
   * {@code udf.max-message-size}: then it is reported failed on the next turn of the event loop).
   */
  Pending accept(UdfElement element, long now) {
    if (elements == 0) {
      stallWatch.onBusy(now);
    }
    elements++;
    Pending p = new Pending(element);
    String tooLarge = MapFrames.tooLarge(element, config.connection().maxMessageSize());
    if (tooLarge != null) {
      p.recordFailure(UdfFailure.Reason.TOO_LARGE, tooLarge);
      context.runOnContext(v -> giveUp(p, p.failure()));
      return null;
    }
    return p;
  }

  /** The UDF answered {@code p}: tell the listener. */
  void deliver(Pending p, MapAnswer response, long now) {
    deliver(p, response.results, now);
  }

  /** The UDF answered {@code p} with {@code results} (stream-map: all its responses up to the EOT). */
  void deliver(Pending p, List<UdfResult> results, long now) {
    long callNanos = now - p.sentAtNanos;
    inFlight.remove(p);
    complete(p);
    stats.responsesReceived++;
    stallWatch.onResponse(now);
    health.answered();
    try {
      listener.onAnswered(p.element, results, callNanos, now);
    } catch (RuntimeException e) {
      LOG.error("UdfListener.onResults threw; the element counts as delivered", e);
    }
  }

  /**
   * Charges {@code p} (already off the wire) a failed attempt. Returns true if it is to be
   * retried, with {@code p.dueNanos} set; false if the listener was told it failed (or the
   * client is closed).
   */
  boolean failAttempt(Pending p, UdfFailure.Reason reason, String detail, long now) {
    if (p.completed || closed) {
      return false; // a listener callback closed the client while the dispatcher was iterating
    }
    int failed = p.recordFailure(reason, detail);
    if (failed >= config.retryMaxAttempts() && config.onFailure() != OnFailure.RETRY_FOREVER) {
      giveUp(p, p.failure());
      return false;
    }
    stats.retries++;
    p.dueNanos = now + retryBackoff.delayNanos(failed);
    return true;
  }

  /** Tells the listener that {@code p} failed for good, unless it already heard about it. */
  void giveUp(Pending p, UdfFailure failure) {
    if (p.completed) {
      return;
    }
    complete(p);
    stats.failures++;
    try {
      listener.onFailure(p.element, failure);
    } catch (RuntimeException e) {
      LOG.error("UdfListener.onFailure threw; the element counts as reported", e);
    }
  }

  private void complete(Pending p) {
    p.completed = true;
    elements--;
  }
}
