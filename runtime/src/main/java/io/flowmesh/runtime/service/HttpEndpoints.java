package io.flowmesh.runtime.service;

import io.flowmesh.runtime.errors.Reasons;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP endpoints every service serves: {@code GET /livez}, {@code GET /readyz} (503 with a
 * JSON reason when not ready), {@code GET /metrics} (Prometheus text) and {@code GET /status}
 * (JSON), plus the vertex's own routes.
 */
public final class HttpEndpoints {

  private final Vertx vertx;
  private final String service;
  private final PrometheusMeterRegistry registry;
  private final Map<String, String> config;
  private final Supplier<Vertex> vertex;
  private int port = -1;

  /**
   * @param vertex the running vertex, or null while it is starting (then not ready)
   */
  public HttpEndpoints(Vertx vertx, String service, PrometheusMeterRegistry registry, Map<String, String> config,
      Supplier<Vertex> vertex) {
    this.vertx = vertx;
    this.service = service;
    this.registry = registry;
    this.config = config;
    this.vertex = vertex;
  }

  /** The router with the standard routes; add the vertex's own routes to it before listening. */
  public Router router() {
    Router router = Router.router(vertx);
    router.get("/livez").handler(ctx -> json(ctx, 200, new JsonObject().put("live", true).put("service", service)));
    router.get("/readyz").handler(this::readyz);
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.get("/status").handler(this::status);
    return router;
  }

  /** Starts the HTTP server; completes with the bound port. */
  public Future<Integer> listen(Router router, String host, int port, java.time.Duration idleTimeout) {
    io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions()
        .setIdleTimeout((int) Math.max(1, idleTimeout.toMillis())).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    return vertx.createHttpServer(options).requestHandler(router).listen(port, host).map(server -> {
      this.port = server.actualPort();
      return this.port;
    });
  }

  private void readyz(RoutingContext ctx) {
    Vertex v = vertex.get();
    if (v == null) {
      json(ctx, 503, Readiness.notReady("starting").toJson().put("service", service));
      return;
    }
    v.readiness().onComplete(ar -> {
      Readiness r = ar.succeeded() ? ar.result() : Readiness.notReady("readiness check failed: " + Reasons.of(ar.cause()));
      json(ctx, r.ready() ? 200 : 503, r.toJson().put("service", service));
    });
  }

  private void status(RoutingContext ctx) {
    Vertex v = vertex.get();
    JsonObject base = new JsonObject().put("service", service).put("httpPort", port).put("config", new JsonObject(Map.copyOf(config).entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue()))));
    if (v == null) {
      json(ctx, 200, base.put("state", "starting"));
      return;
    }
    v.status().onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, base.put("state", "running").mergeIn(ar.result()));
      } else {
        json(ctx, 500, base.put("error", Reasons.of(ar.cause())));
      }
    });
  }

  private static void json(RoutingContext ctx, int code, JsonObject body) {
    ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(body.encode());
  }
}
