package io.flowmesh.runtime.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * A started vertex, as its service's main and HTTP endpoints see it. The methods may be called
 * from any thread; implementations hop to their own event loops.
 */
public interface Vertex {

  /** Whether the vertex can take traffic now; answers 503 on {@code /readyz} when not. */
  Future<Readiness> readiness();

  /** The vertex's state for {@code /status}: edges, credits, in-flight, watermark. */
  Future<JsonObject> status();

  /** Routes of the vertex's own beside the standard ones (the HTTP source's {@code /ingest}). */
  default void routes(Router router) {
  }

  /**
   * Stops gracefully: take no new input, finish and ack what is in flight, close the edges —
   * within {@code timeout}.
   */
  Future<Void> stop(Duration timeout);
}
