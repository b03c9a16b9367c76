package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StallWatch;
import io.vertx.core.Future;

import java.util.List;

/**
 * How a {@link UdfClient} moves elements in one mode: the streams it opens, what it does
 * when they break, and when it resends.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
interface Dispatcher extends StallWatch.Restart {

  /** The dispatcher of {@code mode} for {@code client}. */
  static Dispatcher forMode(UdfMode mode, UdfClient client) {
    return switch (mode) {
      case UNARY -> new UnaryDispatcher(client);
      case BATCH -> new BatchDispatcher(client);
      case STREAM -> new StreamDispatcher(client);
    };
  }

  /** Opens the first stream; completes when the UDF answered its handshake. */
  Future<Void> start();

  /** Sends one element (unary and stream mode); {@code now} is {@link System#nanoTime()} as the caller read it. */
  void submit(Pending element, long now);

  /** Sends one batch (batch mode). */
  void submitBatch(List<Pending> batch);

  /** The periodic work: timeouts, due retries, reconnects. */
  void sweep(long nowNanos);

  /** Restarts the streams carrying in-flight work, without charging an attempt (a stall). */
  void restart(String reason, long nowNanos);

  /** Stops; adds to {@code unfinished} every element not yet completed. */
  void close(List<Pending> unfinished);
}
