package io.flowmesh.runtime.service;

import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.errors.ListenFailure;
import io.flowmesh.runtime.errors.Reasons;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The HTTP endpoints every service serves: {@code GET /livez}, {@code GET /readyz} (503 with a
 * JSON reason when not ready), {@code GET /metrics} (Prometheus text) and {@code GET /status}
 * (JSON), plus the vertex's own routes.
 *
 * <p>With {@code http.token} set, {@code /metrics} and {@code /status} answer 401 (JSON body,
 * {@code WWW-Authenticate: Bearer}) to a request without {@code Authorization: Bearer <token>};
 * {@code /livez} and {@code /readyz} stay open for probes. Every error the router answers itself
 * (404 for an unknown path, 405 for a known path with another method, 500) has a JSON body
 * {@code {"error": ..., "reason": ...}} like every other refusal.
 */
public final class HttpEndpoints {

  private final Vertx vertx;
  private final String service;
  private final String vertexName;
  private final PrometheusMeterRegistry registry;
  private final Map<String, String> config;
  private final Map<String, String> configNotes;
  private final Supplier<Vertex> vertex;
  private final BearerToken token;
  private int port = -1;

  /**
   * As {@link #HttpEndpoints(Vertx, String, String, PrometheusMeterRegistry, Map, Map, Supplier, BearerToken)}
   * without notes on the config.
   */
  public HttpEndpoints(Vertx vertx, String service, String vertexName, PrometheusMeterRegistry registry,
      Map<String, String> config, Supplier<Vertex> vertex, BearerToken token) {
    this(vertx, service, vertexName, registry, config, Map.of(), vertex, token);
  }

  /**
   * @param service the service's kind: source, map or sink
   * @param vertexName the vertex's name ({@code vertex.name})
   * @param config the effective config, key to value, that {@code /status} shows as {@code config}
   * @param configNotes why some of those values are not what was set or the default, key to note,
   *     shown as {@code configNotes} when there is any
   * @param vertex the running vertex, or null while it is starting (then not ready)
   * @param token the token {@code /metrics} and {@code /status} require, or null for none
   */
  public HttpEndpoints(Vertx vertx, String service, String vertexName, PrometheusMeterRegistry registry,
      Map<String, String> config, Map<String, String> configNotes, Supplier<Vertex> vertex, BearerToken token) {
    this.vertx = vertx;
    this.service = service;
    this.vertexName = vertexName;
    this.registry = registry;
    this.config = config;
    this.configNotes = Map.copyOf(configNotes);
    this.vertex = vertex;
    this.token = token;
  }

  /** The router with the standard routes; add the vertex's own routes to it before listening. */
  public Router router() {
    Router router = Router.router(vertx);
    livez(router, service);
    router.get("/readyz").handler(this::readyz);
    router.get("/metrics").handler(this::authorize).handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.get("/status").handler(this::authorize).handler(this::status);
    router.errorHandler(404, ctx -> error(ctx, 404, "not_found", "no such path: " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on "
        + ctx.request().path()));
    router.errorHandler(500, ctx -> error(ctx, 500, "internal_error", ctx.failure() == null ? "request failed"
        : "request failed: " + (ctx.failure().getMessage() != null ? ctx.failure().getMessage() : ctx.failure().getClass().getSimpleName())));
    return router;
  }

  /** {@code GET /livez}: 200 with {@code {"live": true, "service": service}} while the process serves HTTP. */
  public static void livez(Router router, String service) {
    router.get("/livez").handler(ctx -> json(ctx, 200, new JsonObject().put("live", true).put("service", service)));
  }

  /** Answers a {@code /readyz} probe: 200 when ready, else 503 with the reason; the body names the service. */
  public static Future<Void> readiness(RoutingContext ctx, Readiness r, String service) {
    return json(ctx, r.ready() ? 200 : 503, r.toJson().put("service", service));
  }

  private void authorize(RoutingContext ctx) {
    if (token == null || token.matches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    error(ctx, 401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <http.token>)");
  }

  /**
   * Answers a refusal as JSON {@code {"error": code, "reason": text}}, unless a response was already
   * sent; completes when the answer is written.
   */
  public static Future<Void> error(RoutingContext ctx, int status, String error, String reason) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return Future.succeededFuture();
    }
    return json(ctx, status, new JsonObject().put("error", error).put("reason", reason));
  }

  /**
   * Starts the HTTP server; completes with the bound port, or fails with a {@link ListenFailure}
   * naming the address and the key to change ({@code bind.host}, or the service's
   * {@code <service>.http.port}).
   *
   * @param idleTimeout {@code http.idle-timeout}, which its key bounds to 1s..24h
   * @throws IllegalArgumentException when {@code idleTimeout} is not 1 ms to {@link Integer#MAX_VALUE} ms (Vert.x takes an int)
   */
  public Future<Integer> listen(Router router, String host, int port, java.time.Duration idleTimeout) {
    long idleMillis = idleTimeout.toMillis();
    if (idleMillis < 1 || idleMillis > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("http.idle-timeout out of range: " + idleTimeout);
    }
    io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions()
        .setIdleTimeout((int) idleMillis).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    return vertx.createHttpServer(options).requestHandler(router).listen(port, host)
        .recover(e -> Future.failedFuture(ListenFailure.of("HTTP server", host, port, service + ".http.port", e))).map(server -> {
      this.port = server.actualPort();
      return this.port;
    });
  }

  private void readyz(RoutingContext ctx) {
    Vertex v = vertex.get();
    if (v == null) {
      readiness(ctx, Readiness.notReady("starting"), service);
      return;
    }
    v.readiness().onComplete(ar -> readiness(ctx, ar.succeeded() ? ar.result()
        : Readiness.notReady("readiness check failed: " + Reasons.of(ar.cause())), service));
  }

  private void status(RoutingContext ctx) {
    Vertex v = vertex.get();
    JsonObject base = new JsonObject().put("service", service).put("vertex", vertexName).put("httpPort", port).put("config", new JsonObject(Map.copyOf(config).entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue()))));
    if (!configNotes.isEmpty()) {
      base.put("configNotes", new JsonObject(new TreeMap<String, Object>(configNotes)));
    }
    if (v == null) {
      json(ctx, 200, base.put("state", "starting"));
      return;
    }
    v.status().onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, base.put("state", "running").mergeIn(ar.result()).put("vertex", vertexName));
      } else {
        json(ctx, 500, base.put("error", Reasons.of(ar.cause())));
      }
    });
  }

  /** Answers {@code body} as JSON with status {@code code}. */
  public static Future<Void> json(RoutingContext ctx, int code, JsonObject body) {
    return ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(body.encode());
  }
}
