package io.flowmesh.source.http;

import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.service.HttpEndpoints;
import io.flowmesh.source.engine.SourceVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Locale;

/**
 * {@code POST /ingest} on the service's HTTP server. Checks the bearer token (401), the content
 * type (415) and the body size (413) before parsing (400), then hands the messages to the source's
 * event loop: 202 once all are in the bounded buffer, 429 with {@code Retry-After} when they do not
 * fit (an NDJSON request is taken whole or not at all), 503 while stopping. Every refusal has a
 * JSON body {@code {"error": ..., "reason": ...}}.
 *
 * <p>Content types: {@code application/x-ndjson} is a batch; {@code application/octet-stream},
 * {@code text/plain}, {@code application/json} or none is one message whose value is the body.
 *
 * <h2>Concurrency</h2>
 * Handlers run on the HTTP server's event loop; the source's state is reached only through
 * {@link SourceVerticle#call}, whose result comes back on the HTTP event loop.
 */
public final class IngestRoute {

  static final String KEYS_HEADER = "X-Flowmesh-Keys";
  static final String EVENT_TIME_HEADER = "X-Flowmesh-Event-Time";
  private static final String NDJSON = "application/x-ndjson";

  private final IngestConfig config;
  private final SourceVerticle source;
  private final HttpIngest ingest;
  private final IngestParser parser;
  private final IngestMetrics metrics;
  private final BearerToken token;
  private final ServingRoute serving;

  public IngestRoute(IngestConfig config, long maxMessageBytes, SourceVerticle source, HttpIngest ingest,
      MeterRegistry registry) {
    this.config = config;
    this.source = source;
    this.ingest = ingest;
    this.parser = new IngestParser(maxMessageBytes);
    this.metrics = new IngestMetrics(registry);
    this.token = config.token() == null ? null : new BearerToken(config.token());
    this.serving = new ServingRoute(this, config, source, ingest, parser, metrics);
  }

  /**
   * Adds {@code POST /ingest} to {@code router}, and a 405 naming {@code Allow: POST} for any other
   * method; and the serving endpoints under {@code /v1/process/} ({@link ServingRoute}).
   */
  public void install(Router router) {
    serving.install(router);
    router.post("/ingest")
        .handler(new Gate())
        .handler(ctx -> BodyReader.read(ctx, config, metrics, this::reject, body -> ingest(ctx, body)));
    router.route("/ingest").handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
      HttpEndpoints.error(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on /ingest: send POST");
    });
  }

  /**
   * Checks the token and the content type from the headers alone, before the body is read (a
   * {@link PlatformHandler}, so Vert.x Web runs it ahead of the body handler).
   */
  /** The token and content-type check, for the serving routes too. */
  PlatformHandler gate() {
    return new Gate();
  }

  private final class Gate implements PlatformHandler {

    @Override
    public void handle(RoutingContext ctx) {
      if (token != null && !token.matches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        reject(ctx, 401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <source.http.token>)");
        return;
      }
      String type = mediaType(ctx.request());
      switch (type) {
        case "":
        case NDJSON:
        case "application/octet-stream":
        case "text/plain":
        case "application/json":
          ctx.next();
          return;
        default:
          reject(ctx, 415, "unsupported_media_type", "content type '" + type + "' is not supported: use application/x-ndjson"
              + " for a batch, or application/octet-stream, text/plain or application/json for one message");
      }
    }
  }

  private void ingest(RoutingContext ctx, Buffer body) {
    HttpServerRequest req = ctx.request();
    IngestParser.Parsed parsed;
    try {
      String keys = req.getHeader(KEYS_HEADER);
      String eventTime = req.getHeader(EVENT_TIME_HEADER);
      long now = System.currentTimeMillis();
      parsed = NDJSON.equals(mediaType(req)) ? parser.ndjson(keys, eventTime, body, now) : parser.single(keys, eventTime, body, now);
    } catch (BadRequestException e) {
      reject(ctx, e.status(), e.error(), e.getMessage());
      return;
    }
    int n = parsed.messages().size();
    if (req.getParam("wait") != null) {
      waitAcked(ctx, parsed, n);
      return;
    }
    Future<HttpIngest.Result> done = source.call(() -> ingest.accept(parsed.messages(), parsed.bytes()));
    done.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(500, ar.cause());
        return;
      }
      switch (ar.result().outcome()) {
        case ACCEPTED:
          json(ctx, 202, new JsonObject().put("accepted", n).put("last_id", ar.result().lastId()));
          break;
        case FULL:
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(config.retryAfterSeconds()));
          reject(ctx, 429, "full", "the source's buffer cannot take " + n + " more message(s) now; retry later");
          break;
        case TOO_MANY:
          reject(ctx, 413, "too_large", n + " messages in one request, more than source.queue-capacity allows; split it");
          break;
        default:
          reject(ctx, 503, "stopping", "the source is shutting down");
      }
    });
  }

  /**
   * {@code POST /ingest?wait=acked}: answers 200 only once every message of the request was acked
   * end to end (written by the sinks), 504 when that took longer than the request's timeout
   * ({@code source.serving.timeout}, {@code ?timeout=}); the messages are then still in the pipeline.
   */
  private void waitAcked(RoutingContext ctx, IngestParser.Parsed parsed, int n) {
    String wait = ctx.request().getParam("wait");
    long timeout;
    try {
      if (!"acked".equals(wait)) {
        throw new BadRequestException(400, "bad_request", "wait='" + wait + "' is not supported: use wait=acked, or no wait"
            + " (202 once buffered)");
      }
      timeout = ServingRoute.timeoutMillis(ctx.request(), config.serving());
    } catch (BadRequestException e) {
      reject(ctx, e.status(), e.error(), e.getMessage());
      return;
    }
    Waiter.Handle handle = ServingRoute.abandonOnClose(ctx, source, ingest);
    source.compose(() -> ingest.submit(parsed.messages(), parsed.bytes(), Waiter.Mode.ACKED, timeout, handle))
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(500, ar.cause());
            return;
          }
          Answer a = ar.result();
          switch (a.outcome()) {
            case ANSWERED -> json(ctx, 200, new JsonObject().put("accepted", n).put("acked", n).put("last_id", a.id()));
            case TIMEOUT -> {
              metrics.reject("serving_timeout");
              json(ctx, 504, new JsonObject().put("error", "timeout").put("last_id", a.id()).put("timeout_ms", a.timeoutMillis())
                  .put("reason", "the " + n + " message(s) up to " + a.id() + " were not all acked within " + a.timeoutMillis()
                      + " ms (source.serving.timeout, or ?timeout=); they stay in the pipeline and may still be written"));
            }
            default -> refuse(ctx, a);
          }
        });
  }

  /** Refuses a request the source did not take: full or busy (429), too many messages (413), stopping (503). */
  void refuse(RoutingContext ctx, Answer a) {
    switch (a.outcome()) {
      case FULL -> {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(config.retryAfterSeconds()));
        reject(ctx, 429, "full", "the source's buffer cannot take " + a.messages() + " more message(s) now; retry later");
      }
      case BUSY -> {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(config.retryAfterSeconds()));
        reject(ctx, 429, "busy", config.serving().maxPending() + " serving requests are waiting for their answer here already"
            + " (source.serving.max-pending); retry later");
      }
      case TOO_MANY -> reject(ctx, 413, "too_large", a.messages() + " messages in one request, more than source.queue-capacity"
          + " allows; split it");
      default -> reject(ctx, 503, "stopping", "the source is shutting down");
    }
  }

  /**
   * Answers a refusal as JSON and counts it. When the request's body was not read to its end (a
   * refusal from the headers, a body over the limit, a timeout), the request stays paused and the
   * connection is closed once the answer is out: nothing more of that body is read.
   */
  void reject(RoutingContext ctx, int status, String error, String reason) {
    metrics.reject(error);
    HttpServerRequest req = ctx.request();
    if (req.isEnded() || ctx.response().ended()) {
      HttpEndpoints.error(ctx, status, error, reason);
      return;
    }
    req.pause();
    if (req.version() == HttpVersion.HTTP_2) {
      // The paused stream's flow-control window stops the client; the connection may serve others.
      HttpEndpoints.error(ctx, status, error, reason);
      return;
    }
    // HTTP/1.x: the unread rest of the body would be the next bytes on this connection.
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    HttpEndpoints.error(ctx, status, error, reason).onComplete(ar -> req.connection().close());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
  }

  private static String mediaType(HttpServerRequest req) {
    String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
