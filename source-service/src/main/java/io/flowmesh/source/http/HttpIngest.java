package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.source.engine.EventTimeWatermark;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP source's side on the source's event loop: takes parsed requests into the edge's
 * bounded queue whole or not at all, bounds the payload bytes held until acked, keeps the
 * watermark, and notices a buffer that stays full while nothing is acked.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop; {@link IngestRoute} reaches {@link #accept} through the
 * context.
 */
public final class HttpIngest implements Producer {

  /** What became of a request. */
  enum Outcome { ACCEPTED, FULL, TOO_MANY, STOPPING }

  /** The outcome of a request and, when accepted, the id given to its last message. */
  record Result(Outcome outcome, String lastId) {
  }

  private final IngestConfig config;
  private final int queueCapacity;
  private final SourceMetrics metrics;
  private final EventTimeWatermark watermark;
  private final ServingMetrics servingMetrics;
  private EdgeServer server;
  private Waiters waiters;
  private IdSequence ids;
  private long heldBytes;
  private long accepted;
  private long acked;
  private long fullSinceNanos = -1;
  private long ackedWhenFull;
  private boolean stopping;

  public HttpIngest(IngestConfig config, int queueCapacity, Duration idleTimeout, SourceMetrics metrics, MeterRegistry registry) {
    this.config = config;
    this.servingMetrics = new ServingMetrics(registry);
    this.queueCapacity = queueCapacity;
    this.metrics = metrics;
    this.watermark = new EventTimeWatermark(config.maxDelay().toMillis(), idleTimeout.toNanos(), System.nanoTime());
  }

  @Override
  public String type() {
    return "http";
  }

  @Override
  public void start(Vertx vertx, EdgeServer server, IdSequence ids) {
    this.server = server;
    this.ids = ids;
    this.waiters = new Waiters(vertx, config.serving(), servingMetrics);
  }

  /** Takes every message of a request into the edge's queue, or none. */
  Result accept(List<EdgeMessageBuilder> messages, long bytes) {
    return accept(messages, bytes, null, false);
  }

  /**
   * Takes every message of a request into the edge's queue, or none, each offered with
   * {@code waiter} (null: none), so its ack comes back to it; {@code serve} marks them serving
   * requests, whose acks carry the pipeline's replies.
   */
  Result accept(List<EdgeMessageBuilder> messages, long bytes, Waiter waiter, boolean serve) {
    if (stopping) {
      return new Result(Outcome.STOPPING, null);
    }
    int n = messages.size();
    if (n > queueCapacity) {
      return new Result(Outcome.TOO_MANY, null);
    }
    if (server.room() < n || (heldBytes > 0 && heldBytes + bytes > config.maxHeldBytes())) {
      return new Result(Outcome.FULL, null);
    }
    long now = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    String lastId = null;
    for (EdgeMessageBuilder b : messages) {
      String id = ids.next();
      if (serve) {
        b.setServe(true);
      }
      EdgeMessage m = b.setId(id).setIngestTime(now).build();
      if (!server.offer(m, waiter)) {
        throw new IllegalStateException("edge queue refused a message after reporting room for it: id=" + id);
      }
      watermark.seen(m.getEventTime(), now, nowNanos);
      lastId = id;
    }
    heldBytes += bytes;
    accepted += n;
    metrics.produced(n, bytes);
    return new Result(Outcome.ACCEPTED, lastId);
  }

  /**
   * A request that waits for its answer: its messages are queued (serve marks them serving
   * requests, {@link Waiter.Mode#ACKED} does not), each with one {@link Waiter}; the future completes
   * with the answer, the timeout, or at once when refused (async: at once, {@code SUBMITTED}).
   */
  Future<Answer> submit(List<EdgeMessageBuilder> messages, long bytes, Waiter.Mode mode, long timeoutMillis, Waiter.Handle handle) {
    int n = messages.size();
    Waiter w = waiters.open(mode, n, timeoutMillis);
    if (w == null) {
      return Future.succeededFuture(Answer.refused(Answer.Outcome.BUSY, n));
    }
    Result r;
    try {
      r = accept(messages, bytes, w, mode != Waiter.Mode.ACKED);
    } catch (RuntimeException e) {
      waiters.cancel(w, false); // its slot is not held forever by a request that was never queued
      throw e;
    }
    switch (r.outcome()) {
      case ACCEPTED:
        break;
      case FULL:
        waiters.cancel(w, true);
        return Future.succeededFuture(Answer.refused(Answer.Outcome.FULL, n));
      case TOO_MANY:
        waiters.cancel(w, false);
        return Future.succeededFuture(Answer.refused(Answer.Outcome.TOO_MANY, n));
      default:
        waiters.cancel(w, false);
        return Future.succeededFuture(Answer.refused(Answer.Outcome.STOPPING, n));
    }
    waiters.accepted(w, r.lastId());
    if (handle != null) {
      handle.waiter = w;
    }
    return mode == Waiter.Mode.ASYNC ? Future.succeededFuture(new Answer(Answer.Outcome.SUBMITTED, r.lastId(), null, n, timeoutMillis))
        : w.promise.future();
  }

  @Override
  public void acked(EdgeMessage message, Object attachment) {
    acked(message, attachment, null);
  }

  @Override
  public void acked(EdgeMessage message, Object attachment, List<ReplyOutput> reply) {
    acked++;
    heldBytes -= message.getValue().size();
    if (attachment instanceof Waiter w) {
      waiters.acked(w, reply);
    }
  }

  /** The client of a waiting request went: frees its slot ({@link Waiters#abandon}); on the source's event loop. */
  Void abandon(Waiter.Handle handle) {
    if (handle.waiter != null) {
      waiters.abandon(handle.waiter);
      handle.waiter = null;
    }
    return null;
  }

  /** The serving requests waiting here (after {@link #start}). */
  Waiters waiters() {
    return waiters;
  }

  @Override
  public void tick(long nowMillis) {
    boolean full = server.room() == 0 || heldBytes >= config.maxHeldBytes();
    if (!full) {
      fullSinceNanos = -1;
    } else if (fullSinceNanos < 0 || acked != ackedWhenFull) {
      fullSinceNanos = System.nanoTime();
      ackedWhenFull = acked;
    }
  }

  @Override
  public long watermark(long nowMillis) {
    return watermark.watermark(nowMillis, System.nanoTime(), server.queued());
  }

  @Override
  public void stop() {
    stopping = true;
  }

  @Override
  public Readiness readiness() {
    if (fullSinceNanos >= 0) {
      long fullFor = System.nanoTime() - fullSinceNanos;
      if (fullFor > config.stallTimeout().toNanos()) {
        return Readiness.notReady("ingest buffer full for " + fullFor / 1_000_000_000L + "s with no message acked"
            + " (queued=" + server.queued() + ", heldBytes=" + heldBytes + "): the downstream vertex is not consuming");
      }
    }
    return Readiness.READY;
  }

  @Override
  public void status(JsonObject into) {
    into.put("accepted", accepted).put("produced", accepted).put("acked", acked).put("heldBytes", heldBytes)
        .put("maxHeldBytes", config.maxHeldBytes()).put("idle", watermark.idle(System.nanoTime()))
        .put("serving", new JsonObject().put("pending", waiters == null ? 0 : waiters.pending())
            .put("maxPending", config.serving().maxPending()).put("results", waiters == null ? 0 : waiters.results())
            .put("resultBytes", waiters == null ? 0 : waiters.resultBytes()).put("maxResultBytes", config.serving().maxResultBytes())
            .put("listeners", waiters == null ? 0 : waiters.listeners()));
  }
}
