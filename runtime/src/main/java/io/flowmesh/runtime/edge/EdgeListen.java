package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.errors.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of an {@link EdgeServer}'s {@code listen}, said once: on success the start-up line
 * (and the warning of an edge open to anyone), on failure a {@link ListenFailure} naming the
 * address and the key to change ({@code edge server could not listen on 127.0.0.1:7001
 * (source.edge.port): address already in use}).
 *
 * <h2>Concurrency</h2>
 * Stateless; the returned future's callbacks run where the server's do (the edge's context).
 */
final class EdgeListen {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

  private EdgeListen() {
  }

  /**
   * The bound port of {@code listening}, logged, or its failure in words.
   *
   * @param portKey the key that set {@code port} ({@code source.edge.port}), or null when none did
   */
  static Future<Integer> outcome(Future<HttpServer> listening, String vertex, String host, int port, String portKey,
      EdgeOptions options, EdgeRoutes routes) {
    String exposed = SubscriberAuth.exposureWarning(vertex, host, options);
    return listening.recover(e -> Future.failedFuture(ListenFailure.of("edge server", host, port, portKey, e)))
        .map(HttpServer::actualPort).onSuccess(p -> {
          LOG.info("edge serving vertex={} address={}:{} tls={} token={} allowedSubscribers={}{}", vertex, host, p,
              !options.tls().enabled() ? "off" : options.tls().mutual() ? "mutual" : "on",
              options.auth().token() == null ? "off" : "on", options.auth().allowedSubscribers(),
              routes.single() ? "" : " edges=" + routes.routes());
          if (exposed != null) {
            LOG.warn(exposed);
          }
        });
  }
}
