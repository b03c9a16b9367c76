package io.flowmesh.source.http;

import io.flowmesh.source.engine.EventTimeWatermark;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
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
  private EdgeServer server;
  private IdSequence ids;
  private long heldBytes;
  private long accepted;
  private long acked;
  private long fullSinceNanos = -1;
  private long ackedWhenFull;
  private boolean stopping;

  public HttpIngest(IngestConfig config, int queueCapacity, Duration idleTimeout, SourceMetrics metrics) {
    this.config = config;
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
  }

  /** Takes every message of a request into the edge's queue, or none. */
  Result accept(List<Message.Builder> messages, long bytes) {
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
    for (Message.Builder b : messages) {
      String id = ids.next();
      Message m = b.setId(id).setIngestTime(now).build();
      if (!server.offer(m, null)) {
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

  @Override
  public void acked(Message message, Object attachment) {
    acked++;
    heldBytes -= message.getValue().size();
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
        .put("maxHeldBytes", config.maxHeldBytes()).put("idle", watermark.idle(System.nanoTime()));
  }
}
