package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.edge.ReplyFailures;
import io.flowmesh.source.engine.SourceVerticle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The serving endpoints (docs/serving.md): {@code POST /v1/process/sync} answers with what the
 * pipeline produced for the request; {@code POST /v1/process/async} answers 202 with its id at once,
 * {@code GET /v1/process/fetch?id=} gives the answer once there (202 while pending, 404 unknown or
 * expired), {@code GET /v1/process/sse[?id=]} streams async answers as server-sent events. The
 * request's body is the message's value; {@code X-Flowmesh-Keys} and {@code X-Flowmesh-Event-Time}
 * as for {@code /ingest}; {@code ?timeout=} or {@code X-Flowmesh-Timeout} (e.g. {@code 500ms})
 * overrides {@code source.serving.timeout}. The answer comes home on the ack chain to the replica
 * that holds the request.
 *
 * <h2>Concurrency</h2>
 * Handlers run on the HTTP server's event loop; the waiting requests live on the source's event loop
 * ({@link SourceVerticle#call}), whose answers come back here.
 */
final class ServingRoute {

  static final String TIMEOUT_HEADER = "X-Flowmesh-Timeout";
  static final String ID_HEADER = "X-Flowmesh-Id";

  private final IngestRoute ingestRoute;
  private final IngestConfig config;
  private final SourceVerticle source;
  private final HttpIngest ingest;
  private final IngestParser parser;
  private final IngestMetrics metrics;

  ServingRoute(IngestRoute ingestRoute, IngestConfig config, SourceVerticle source, HttpIngest ingest, IngestParser parser,
      IngestMetrics metrics) {
    this.ingestRoute = ingestRoute;
    this.config = config;
    this.source = source;
    this.ingest = ingest;
    this.parser = parser;
    this.metrics = metrics;
  }

  void install(Router router) {
    router.post("/v1/process/sync").handler(ingestRoute.gate()).handler(ctx -> body(ctx, Waiter.Mode.SYNC));
    router.post("/v1/process/async").handler(ingestRoute.gate()).handler(ctx -> body(ctx, Waiter.Mode.ASYNC));
    router.get("/v1/process/fetch").handler(ingestRoute.gate()).handler(this::fetch);
    router.get("/v1/process/sse").handler(ingestRoute.gate()).handler(this::sse);
  }

  private void body(RoutingContext ctx, Waiter.Mode mode) {
    BodyReader.read(ctx, config, metrics, ingestRoute::reject, body -> submit(ctx, body, mode));
  }

  private void submit(RoutingContext ctx, Buffer body, Waiter.Mode mode) {
    HttpServerRequest req = ctx.request();
    IngestParser.Parsed parsed;
    long timeout;
    try {
      timeout = timeoutMillis(req, config.serving());
      parsed = parser.single(req.getHeader(IngestRoute.KEYS_HEADER), req.getHeader(IngestRoute.EVENT_TIME_HEADER), body,
          System.currentTimeMillis());
    } catch (BadRequestException e) {
      ingestRoute.reject(ctx, e.status(), e.error(), e.getMessage());
      return;
    }
    Waiter.Handle handle = mode == Waiter.Mode.ASYNC ? null : abandonOnClose(ctx, source, ingest);
    source.compose(() -> ingest.submit(parsed.messages(), parsed.bytes(), mode, timeout, handle))
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(500, ar.cause());
          } else {
            answer(ctx, ar.result(), raw(req));
          }
        });
  }

  /**
   * A handle for a waiting request whose slot is freed on the source's loop when its client
   * disconnects first (the call is queued after the submit, so it finds the waiter).
   */
  static Waiter.Handle abandonOnClose(RoutingContext ctx, SourceVerticle source, HttpIngest ingest) {
    Waiter.Handle handle = new Waiter.Handle();
    ctx.response().closeHandler(v -> source.call(() -> ingest.abandon(handle)));
    return handle;
  }

  /**
   * The request's own timeout ({@code ?timeout=} or {@value #TIMEOUT_HEADER}), else {@code source.serving.timeout};
   * one over {@code source.serving.max-timeout} (which is below {@code http.idle-timeout}) is refused.
   */
  static long timeoutMillis(HttpServerRequest req, ServingConfig serving) throws BadRequestException {
    String text = req.getParam("timeout");
    if (text == null) {
      text = req.getHeader(TIMEOUT_HEADER);
    }
    if (text == null) {
      return serving.timeout().toMillis();
    }
    Duration d;
    try {
      d = Types.DURATION.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(400, "bad_request", "timeout '" + text + "' is not a duration: " + e.getMessage());
    }
    if (d.toMillis() < 1) {
      throw new BadRequestException(400, "bad_request", "timeout '" + text + "' must be at least 1ms");
    }
    if (d.compareTo(serving.maxTimeout()) > 0) {
      throw new BadRequestException(400, "bad_request", "timeout " + text.strip() + " over max " + serving.maxTimeout().toMillis()
          + "ms (source.serving.max-timeout, kept below http.idle-timeout=" + serving.idleTimeout().toMillis()
          + "ms, which would close the waiting connection first)");
    }
    return d.toMillis();
  }

  /** Whether the caller asked for the raw value ({@code Accept: application/octet-stream}). */
  private static boolean raw(HttpServerRequest req) {
    String accept = req.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("application/octet-stream");
  }

  /** Answers a serving request (sync, async submit, fetch) or refuses it. */
  void answer(RoutingContext ctx, Answer a, boolean raw) {
    HttpServerResponse resp = ctx.response();
    switch (a.outcome()) {
      case ANSWERED -> {
        resp.putHeader(ID_HEADER, a.id());
        if (ReplyFailures.firstFailure(a.outputs()) != null) {
          metrics.reject("serving_failed");
          json(ctx, 502, AnswerJson.of(a).encode());
        } else if (raw && a.outputs().size() <= 1) {
          rawAnswer(resp, a);
        } else {
          json(ctx, 200, AnswerJson.of(a).encode());
        }
      }
      case SUBMITTED -> {
        resp.putHeader(ID_HEADER, a.id()).putHeader(HttpHeaders.LOCATION, "/v1/process/fetch?id=" + a.id());
        json(ctx, 202, AnswerJson.of(a).encode());
      }
      case TIMEOUT -> {
        metrics.reject("serving_timeout");
        resp.putHeader(ID_HEADER, a.id());
        json(ctx, 504, AnswerJson.of(a).encode());
      }
      case TOO_LARGE -> {
        // 507 Insufficient Storage: the pipeline answered; this replica could not keep the answer (not 502:
        // nothing failed on the way, and the caller cannot tell the two apart by the body alone).
        metrics.reject("serving_too_large");
        resp.putHeader(ID_HEADER, a.id());
        json(ctx, 507, AnswerJson.of(a).encode());
      }
      default -> ingestRoute.refuse(ctx, a);
    }
  }

  /** One output: its value as the body, its id, vertex, keys and tags in headers; none: 204. */
  private static void rawAnswer(HttpServerResponse resp, Answer a) {
    if (a.outputs().isEmpty()) {
      resp.setStatusCode(204).end();
      return;
    }
    ReplyOutput o = a.outputs().get(0);
    resp.putHeader("X-Flowmesh-Output-Id", headerSafe(o.getId())).putHeader("X-Flowmesh-Vertex", headerSafe(o.getVertex()));
    if (o.getKeysCount() > 0) {
      resp.putHeader(IngestRoute.KEYS_HEADER, headerList(o.getKeysList()));
    }
    if (o.getTagsCount() > 0) {
      resp.putHeader("X-Flowmesh-Tags", headerList(o.getTagsList()));
    }
    resp.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .end(Buffer.buffer(o.getValue().toByteArray()));
  }

  /** The items percent-encoded ({@link #headerSafe}), comma-separated. */
  static String headerList(java.util.List<String> items) {
    if (items.size() == 1) {
      return headerSafe(items.get(0));
    }
    StringBuilder b = new StringBuilder();
    for (String item : items) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(headerSafe(item));
    }
    return b.toString();
  }

  /**
   * {@code text} as a header value: the pipeline's keys, tags and ids may hold anything, while a header
   * value must be Latin-1 without CR/LF; every byte of its UTF-8 outside printable ASCII, and
   * {@code %}, {@code ,} and space, becomes {@code %XX} (RFC 3986 style), so the value decodes back
   * exactly. Plain text is returned as it is.
   */
  static String headerSafe(String text) {
    int i = 0;
    while (i < text.length() && plain(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (byte x : text.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && plain((char) c)) {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean plain(char c) {
    return c > 0x20 && c < 0x7f && c != '%' && c != ',';
  }

  private void fetch(RoutingContext ctx) {
    String id = ctx.request().getParam("id");
    if (id == null || id.isBlank()) {
      ingestRoute.reject(ctx, 400, "bad_request", "GET /v1/process/fetch needs ?id=<the id /v1/process/async answered with>");
      return;
    }
    boolean raw = raw(ctx.request());
    source.call(() -> ingest.waiters().fetch(id)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(500, ar.cause());
      } else if (ar.result() == null) {
        ingestRoute.reject(ctx, 404, "not_found", "no request " + id + " here: never submitted to this source replica,"
            + " or its answer expired (source.serving.result-retention, source.serving.max-results,"
            + " source.serving.max-result-bytes)");
      } else {
        answer(ctx, ar.result(), raw);
      }
    });
  }

  // ---- server-sent events ----

  private static final Integer SSE_OPEN = 0;
  private static final Integer SSE_UNKNOWN = 1;
  private static final Integer SSE_FULL = 2;

  private void sse(RoutingContext ctx) {
    String id = ctx.request().getParam("id");
    SseClient client = new SseClient(Vertx.currentContext(), ctx.response(), id,
        Math.max(1, config.serving().idleTimeout().toMillis() / 2));
    client.detach = () -> source.call(() -> {
      ingest.waiters().unlisten(client);
      return null;
    });
    int max = config.serving().maxListeners();
    source.call(() -> {
      Waiters w = ingest.waiters();
      if (w.listeners() >= max) {
        return SSE_FULL;
      }
      if (id != null && w.fetch(id) == null) {
        return SSE_UNKNOWN;
      }
      w.listen(client);
      return SSE_OPEN;
    }).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(500, ar.cause());
      } else if (ar.result() == SSE_FULL) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(config.retryAfterSeconds()));
        ingestRoute.reject(ctx, 429, "busy", max + " /v1/process/sse streams are open here already"
            + " (source.serving.max-listeners); retry later");
      } else if (ar.result() == SSE_UNKNOWN) {
        ingestRoute.reject(ctx, 404, "not_found", "no request " + id + " here: never submitted to this source replica,"
            + " or its answer expired");
      } else {
        ctx.response().closeHandler(v -> client.closed());
        if (ctx.response().closed()) {
          client.closed();
        }
        client.open();
      }
    });
  }

  /**
   * One {@code /v1/process/sse} client: each async answer is an event {@code id: <request id>},
   * {@code event: answered|timeout}, {@code data: <the JSON answer>}. A client that does not read
   * (its write queue full) is disconnected, so it cannot hold memory here. A comment line goes out
   * every half {@code http.idle-timeout}, so a quiet stream is not closed as idle.
   */
  private static final class SseClient implements Waiters.Listener {
    private final Context context;
    private final HttpServerResponse resp;
    private final String id;
    private final long heartbeatMillis;
    private boolean opened;
    private long heartbeat = -1;
    /** Unregisters it on the source's loop (its client went, or it was disconnected). */
    Runnable detach;

    SseClient(Context context, HttpServerResponse resp, String id, long heartbeatMillis) {
      this.context = context;
      this.resp = resp;
      this.id = id;
      this.heartbeatMillis = heartbeatMillis;
    }

    /** On the HTTP loop: its connection went. */
    void closed() {
      stopHeartbeat();
      detach.run();
    }

    private void stopHeartbeat() {
      if (heartbeat >= 0) {
        context.owner().cancelTimer(heartbeat);
        heartbeat = -1;
      }
    }

    private void beat() {
      if (resp.ended() || resp.closed()) {
        stopHeartbeat();
      } else if (!resp.writeQueueFull()) {
        resp.write(":\n\n");
      }
    }

    @Override
    public String id() {
      return id;
    }

    /** On the HTTP loop: the headers, once. */
    void open() {
      if (!opened && !resp.ended()) {
        opened = true;
        resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .write(": flowmesh serving answers\n\n");
        heartbeat = context.owner().setPeriodic(heartbeatMillis, t -> beat());
      }
    }

    /** On the source's loop. */
    @Override
    public void answer(Answer a, String event) {
      context.runOnContext(v -> send(event));
    }

    private void send(String event) {
      open();
      if (resp.ended() || resp.closed()) {
        return;
      }
      if (resp.writeQueueFull()) {
        stopHeartbeat();
        resp.reset();
        detach.run();
        return;
      }
      resp.write(event);
      if (id != null) {
        stopHeartbeat();
        resp.end();
      }
    }
  }

  /**
   * An async answer as a server-sent event: {@code id}, {@code event: answered|failed|timeout|too_large},
   * {@code data: <JSON>}.
   */
  static String sseEvent(Answer a) {
    return "id: " + a.id() + "\nevent: " + (a.outcome() == Answer.Outcome.TIMEOUT ? "timeout"
        : a.outcome() == Answer.Outcome.TOO_LARGE ? "too_large"
        : ReplyFailures.firstFailure(a.outputs()) != null ? "failed" : "answered")
        + "\ndata: " + AnswerJson.of(a).encode() + "\n\n";
  }

  private static void json(RoutingContext ctx, int status, String body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
  }
}
