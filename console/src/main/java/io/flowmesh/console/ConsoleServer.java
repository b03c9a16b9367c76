package io.flowmesh.console;

import io.flowmesh.runtime.service.HttpEndpoints;
import io.flowmesh.runtime.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The console's HTTP server: the page ({@code /}, its script and style), {@code GET /events} (a
 * server-sent event stream: the last snapshot at once, then one per poll), {@code GET
 * /api/snapshot}, {@code GET /api/vertices/:name} (the vertex page's data), {@code /livez} and
 * {@code /readyz} (ready once the first poll has ended, whatever the vertices' state).
 *
 * <h2>Concurrency</h2>
 * A verticle: the poller and the set of browsers live on its event loop. A browser whose
 * connection cannot keep up ({@code writeQueueFull}) misses snapshots until it drains.
 */
public final class ConsoleServer extends VerticleBase {

  private final ConsoleConfig config;
  private final Set<HttpServerResponse> browsers = new LinkedHashSet<>();
  private Poller poller;
  private HttpServer server;

  public ConsoleServer(ConsoleConfig config) {
    this.config = config;
  }

  /** The port the server listens on (after start). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    poller = new Poller(vertx, config.topology(), config.interval(), config.timeout(), config.vertexToken(), this::publish);
    Router router = Router.router(vertx);
    HttpEndpoints.livez(router, "console");
    router.get("/readyz").handler(ctx -> HttpEndpoints.readiness(ctx, poller.snapshot() != null ? Readiness.READY
        : Readiness.notReady("the first poll has not ended"), "console"));
    router.get("/events").handler(this::events);
    router.get("/api/snapshot").handler(ctx -> {
      if (poller.snapshot() == null) {
        HttpEndpoints.error(ctx, 503, "not_ready", "the first poll has not ended");
      } else {
        HttpEndpoints.json(ctx, 200, poller.snapshot());
      }
    });
    router.get("/api/vertices/:name").handler(ctx -> {
      JsonObject detail = poller.vertexDetail(ctx.pathParam("name"));
      if (detail == null) {
        HttpEndpoints.error(ctx, 404, "not_found", "no vertex named '" + ctx.pathParam("name") + "' in pipeline '"
            + config.topology().name() + "'");
      } else {
        HttpEndpoints.json(ctx, 200, detail);
      }
    });
    router.route("/*").handler(StaticHandler.create("io/flowmesh/console/web").setCachingEnabled(false).setIndexPage("index.html"));
    router.errorHandler(404, ctx -> HttpEndpoints.error(ctx, 404, "not_found", "no such path: " + ctx.request().path()));
    poller.start();
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host()).onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    poller.stop();
    browsers.forEach(r -> r.end());
    return Future.succeededFuture();
  }

  private void events(RoutingContext ctx) {
    HttpServerResponse r = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    browsers.add(r);
    r.closeHandler(v -> browsers.remove(r));
    r.exceptionHandler(e -> browsers.remove(r));
    r.write("retry: 2000\n\n");
    if (poller.snapshot() != null) {
      send(r, poller.snapshot().encode());
    }
  }

  private void publish(JsonObject snapshot) {
    String data = snapshot.encode();
    for (HttpServerResponse r : List.copyOf(browsers)) {
      if (r.closed() || r.ended()) {
        browsers.remove(r);
      } else if (!r.writeQueueFull()) {
        send(r, data);
      }
    }
  }

  private static void send(HttpServerResponse r, String data) {
    r.write("event: snapshot\ndata: " + data + "\n\n");
  }

}
