package io.flowmesh.source.engine;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What puts messages into the source's edge: the generator or the HTTP ingest. A producer offers
 * messages to the {@link EdgeServer} and never keeps a backlog of its own.
 *
 * <h2>Concurrency</h2>
 * Every method is called on the {@link SourceVerticle}'s event loop.
 */
public interface Producer {

  /** {@code generator} or {@code http}, for logs, metrics and {@code /status}. */
  String type();

  /** Starts producing into {@code server}; ids come from {@code ids}. */
  void start(Vertx vertx, EdgeServer server, IdSequence ids);

  /** Called every {@code source.watermark-interval}. */
  void tick(long nowMillis);

  /** The watermark now, epoch ms (the edge keeps it monotonic). */
  long watermark(long nowMillis);

  /**
   * A message this producer offered was acknowledged end to end.
   *
   * @param attachment what the producer offered it with
   */
  void acked(EdgeMessage message, Object attachment);

  /**
   * The same with the pipeline's reply: called for every message acked, the reply {@code null} for a
   * plain one (or a marked one when no reply came); by default the reply is forgotten and
   * {@link #acked(EdgeMessage, Object)} called. See {@link io.flowmesh.runtime.edge.AckListener}.
   */
  default void acked(EdgeMessage message, Object attachment, java.util.List<io.flowmesh.proto.edge.v1.ReplyOutput> reply) {
    acked(message, attachment);
  }

  /** Stops producing or accepting; what is queued still drains. */
  void stop();

  /** After the edge drained: releases what the producer holds (e.g. commits and closes a consumer). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Whether the producer is healthy (the edge's own state is checked by the verticle). */
  Readiness readiness();

  /** Adds the producer's state to {@code /status}. */
  void status(JsonObject into);
}
