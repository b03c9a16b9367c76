package io.flowmesh.runtime.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A running service: its Vert.x instance, its vertex, its HTTP port. In-JVM tests launch services
 * through {@link VertexMain#launch} and stop them with {@link #stop}.
 *
 * @param vertx the service's own Vert.x instance
 * @param vertex the running vertex
 * @param httpPort where /livez, /readyz, /metrics and /status are served
 * @param registry the service's metrics
 * @param shutdownTimeout the graceful-stop budget from {@code shutdown.timeout}
 */
public record Launched(Vertx vertx, Vertex vertex, int httpPort, PrometheusMeterRegistry registry,
    Duration shutdownTimeout) {

  /** Stops the vertex gracefully within {@code timeout}, then closes Vert.x. */
  public Future<Void> stop(Duration timeout) {
    return vertex.stop(timeout).transform(ar -> vertx.close());
  }

  /** Closes Vert.x at once, with no draining (as a crash would, minus the process exit). */
  public Future<Void> kill() {
    return vertx.close();
  }
}
