package io.flowmesh.source.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads one {@code /ingest} request body, bounded in size and in time, then hands it on.
 *
 * <ul>
 *   <li>A declared {@code Content-Length} over the limit is refused (413) before a byte is read; a
 *       body that grows over it (chunked) is refused the moment it does, and nothing more is read:
 *       the request is paused and its connection closed once the 413 is out, so a client cannot
 *       make the server swallow unbounded bytes.</li>
 *   <li>The whole body must arrive within the request timeout from the moment the headers did;
 *       otherwise 408 and the connection is closed. The idle timeout alone restarts with every
 *       byte, so a 1 byte/s trickle would hold the connection for ever.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Confined to the HTTP server's event loop that serves the request (its handlers and the timer
 * run there).
 */
final class BodyReader implements Handler<Buffer> {

  /** How a refusal is answered and counted: status, error code, reason. */
  interface Refusal {
    void reject(RoutingContext ctx, int status, String error, String reason);
  }

  private final RoutingContext ctx;
  private final IngestConfig config;
  private final IngestMetrics metrics;
  private final Refusal refusal;
  private final Handler<Buffer> onBody;
  private final Buffer body = Buffer.buffer();
  private long received;
  private long timer = -1;
  private boolean done;

  private BodyReader(RoutingContext ctx, IngestConfig config, IngestMetrics metrics, Refusal refusal, Handler<Buffer> onBody) {
    this.ctx = ctx;
    this.config = config;
    this.metrics = metrics;
    this.refusal = refusal;
    this.onBody = onBody;
  }

  /** Starts reading the body of {@code ctx}'s request; {@code onBody} gets it once it has fully arrived in time. */
  static void read(RoutingContext ctx, IngestConfig config, IngestMetrics metrics, Refusal refusal, Handler<Buffer> onBody) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && declaredOver(length, config.maxBodyBytes())) {
      refusal.reject(ctx, 413, "too_large", "Content-Length " + length.strip() + " is over source.http.max-body-bytes="
          + config.maxBodyBytes());
      return;
    }
    if (req.isEnded()) {
      // Only reachable if a handler before this one deferred; the body was read by nobody.
      refusal.reject(ctx, 500, "internal_error", "the request body was consumed before /ingest could read it");
      return;
    }
    BodyReader reader = new BodyReader(ctx, config, metrics, refusal, onBody);
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    reader.timer = ctx.vertx().setTimer(Math.max(1, config.requestTimeout().toMillis()), id -> reader.timedOut());
    ctx.response().closeHandler(v -> reader.finish());
    req.handler(reader).endHandler(v -> reader.ended()).exceptionHandler(e -> reader.finish());
    req.resume();
  }

  private static boolean declaredOver(String length, long limit) {
    try {
      return Long.parseLong(length.strip()) > limit;
    } catch (NumberFormatException e) {
      return false; // Vert.x refuses a malformed Content-Length itself
    }
  }

  @Override
  public void handle(Buffer chunk) {
    metrics.received(chunk.length()); // counted even after a refusal: shows what pausing really stopped
    if (done) {
      return;
    }
    received += chunk.length();
    if (received > config.maxBodyBytes()) {
      finish();
      ctx.request().pause();
      refusal.reject(ctx, 413, "too_large", "the body is over source.http.max-body-bytes=" + config.maxBodyBytes()
          + " (reading stopped at " + received + " bytes)");
      return;
    }
    body.appendBuffer(chunk);
  }

  private void ended() {
    if (!done) {
      finish();
      onBody.handle(body);
    }
  }

  private void timedOut() {
    timer = -1;
    if (!done) {
      finish();
      ctx.request().pause();
      refusal.reject(ctx, 408, "timeout", "the body did not arrive within source.http.request-timeout="
          + config.requestTimeout() + " (" + received + " bytes received)");
    }
  }

  private void finish() {
    done = true;
    if (timer >= 0) {
      ctx.vertx().cancelTimer(timer);
      timer = -1;
    }
  }
}
