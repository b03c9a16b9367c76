package io.flowmesh.source;

import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.service.Vertex;
import io.flowmesh.source.engine.SourceVerticle;
import io.flowmesh.source.http.IngestRoute;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * The running source vertex as its service sees it: one {@link SourceVerticle} and, for the HTTP
 * source, its {@code /ingest} route.
 *
 * <p>Concurrency: callable from any thread; every call hops onto the verticle's event loop.
 */
public final class SourceVertex implements Vertex {

  private final SourceVerticle verticle;
  private final IngestRoute ingest;

  SourceVertex(SourceVerticle verticle, IngestRoute ingest) {
    this.verticle = verticle;
    this.ingest = ingest;
  }

  @Override
  public Future<Readiness> readiness() {
    return verticle.readiness();
  }

  @Override
  public Future<JsonObject> status() {
    return verticle.status();
  }

  /** The port the edge is served on (useful with {@code source.edge.port=0}). */
  public Future<Integer> edgePort() {
    return verticle.edgePort();
  }

  @Override
  public void routes(Router router) {
    if (ingest != null) {
      ingest.install(router);
    }
  }

  @Override
  public Future<Void> stop(Duration timeout) {
    return verticle.shutdown(timeout);
  }
}
