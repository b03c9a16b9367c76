package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.edge.v1.Abort;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.errors.Reasons;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection half of an {@link EdgeSubscriber}: dials the upstream, says hello, reads its
 * frames, notices a lost stream and redials with capped exponential backoff and jitter, aborts on
 * a protocol violation (a batch over its credit, out of sequence, or with a message over
 * {@code edge.max-message-bytes}; an empty frame), and ends the stream on close. What arrives on a
 * stream, and what a lost stream means for the buffered messages, is the subscriber's ({@link Events}).
 *
 * <p>Concurrency: owned by its subscriber's event loop.
 */
final class SubscriberLink {

  /** Logged as the subscriber: the log lines and their logger stay as they were before the split. */
  private static final Logger LOG = LoggerFactory.getLogger(EdgeSubscriber.class);

  /** What the subscriber does with a stream's life. */
  interface Events {
    /** The credit to announce in the hello of the new stream {@code s}. */
    long initialCredit(SubscriberSession s);

    /** A batch on {@code s}, checked against the protocol (credit, sequence, message sizes); its first seq is {@code batch.firstSeq}. */
    void batch(SubscriberSession s, EdgeFrames.Inbound batch);

    /** A watermark heartbeat. */
    void watermark(long watermark);

    /** {@code s} was lost (already marked closed); a redial is scheduled. */
    void lost(SubscriberSession s);
  }

  private final Vertx vertx;
  private final String vertex;
  private final String upstreamVertex;
  private final String subscriberId;
  private final HostPort upstream;
  private final EdgeOptions options;
  private final EdgeSubscriberMetrics metrics;
  private final Events events;
  private final HttpClient client;
  private SubscriberSession session;
  private boolean closed;
  private boolean connecting;
  private int attempt;
  private long reconnects;
  private EdgeException lastFailure;
  private Handler<Boolean> connectionHandler;

  SubscriberLink(Vertx vertx, String vertex, String upstreamVertex, String subscriberId, HostPort upstream, EdgeOptions options,
      EdgeSubscriberMetrics metrics, Events events) {
    this.vertx = vertx;
    this.vertex = vertex;
    this.upstreamVertex = upstreamVertex;
    this.subscriberId = subscriberId;
    this.upstream = upstream;
    this.options = options;
    this.metrics = metrics;
    this.events = events;
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(options.flowControlWindow()).setMaxFrameSize(EdgeCall.MAX_DATA_FRAME))
        .setHttp2ConnectionWindowSize(options.flowControlWindow() * 4)
        .setHttp2MultiplexingLimit(1);
    options.tls().applyTo(http);
    this.client = vertx.createHttpClient(http);
  }

  /** Told true when a stream opens and false when it is lost. */
  void connectionHandler(Handler<Boolean> h) {
    this.connectionHandler = h;
  }

  /** The open stream, or null. */
  SubscriberSession session() {
    return session;
  }

  boolean connected() {
    return session != null && !session.closed;
  }

  boolean closed() {
    return closed;
  }

  long reconnects() {
    return reconnects;
  }

  EdgeException lastFailure() {
    return lastFailure;
  }

  // ---- dialling ----

  void connect() {
    if (closed || connecting) {
      return;
    }
    connecting = true;
    SocketAddress address = SocketAddress.inetSocketAddress(upstream.port(), upstream.host());
    Future<HttpClientRequest> request;
    try {
      request = client.request(EdgeClientCall.requestOptions(address));
    } catch (IllegalStateException e) {
      // The client went with its Vert.x instance (closed without close()): nothing left to redial.
      connecting = false;
      closed = true;
      return;
    }
    request.onComplete(ar -> {
      connecting = false;
      if (closed) {
        if (ar.succeeded()) {
          ar.result().reset();
        }
        return;
      }
      if (ar.failed()) {
        retry("cannot reach upstream: " + Reasons.of(ar.cause()));
        return;
      }
      open(ar.result());
    });
  }

  private void open(HttpClientRequest request) {
    PeerWatch.watch(vertx, request.connection(), options.peerTimeout(), "upstream of vertex=" + vertex + " subscriber=" + subscriberId);
    EdgeClientCall call = new EdgeClientCall(request);
    SubscriberSession s = new SubscriberSession(call, options.maxFrameBytes());
    session = s;
    long initial = events.initialCredit(s);
    s.credit.add(initial);
    String token = options.auth().token() == null ? null : BearerToken.header(options.auth().token());
    call.start(token, options.maxFrameBytes(), new EdgeClientCall.Events() {
      /** Whether a frame came on this stream: only then is it an edge, and the redial backoff starts over. */
      private boolean heard;

      @Override
      public void onFrame(Buffer bytes) {
        if (s.closed) {
          return;
        }
        if (!heard) {
          heard = true;
          attempt = 0;
        }
        EdgeFrames.Inbound frame;
        try {
          frame = EdgeFrames.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
          abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent a malformed frame: " + Reasons.of(e));
          return;
        }
        SubscriberLink.this.onFrame(s, frame);
      }

      @Override
      public void onTooLarge(long size) {
        abort(s, GrpcStatus.RESOURCE_EXHAUSTED, "upstream sent a frame of " + size
            + " bytes, over edge.max-frame-bytes=" + options.maxFrameBytes());
      }

      @Override
      public void onMalformed(String detail) {
        abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent an unreadable frame: " + detail);
      }

      @Override
      public void onEnd(GrpcStatus status, String message) {
        s.ended.tryComplete();
        ended(s, status, message);
        endOurSide(s);
      }

      @Override
      public void onFailure(String where, Throwable cause) {
        s.ended.tryComplete();
        lost(s, where + ": " + Reasons.of(cause));
      }
    });
    call.write(SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId(subscriberId)
        .setVertex(vertex).setUpstreamVertex(upstreamVertex).setProtocolVersion(EdgeOptions.PROTOCOL_VERSION)
        .setInitialCredit(initial)).build());
    LOG.info("edge connected vertex={} subscriber={} upstream={}{} initialCredit={}", vertex, subscriberId, upstream,
        upstreamVertex.isEmpty() ? "" : " upstreamVertex=" + upstreamVertex, initial);
    if (connectionHandler != null) {
      connectionHandler.handle(true);
    }
  }

  private void onFrame(SubscriberSession s, EdgeFrames.Inbound frame) {
    if (frame.batch) {
      onBatch(s, frame);
    } else if (frame.watermarkOnly) {
      events.watermark(frame.watermark);
    } else {
      abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent an empty frame");
    }
  }

  private void onBatch(SubscriberSession s, EdgeFrames.Inbound batch) {
    int n = batch.messages.size();
    long outstanding = s.credit.available();
    long over = s.credit.receive(n);
    if (over > 0) {
      abort(s, GrpcStatus.RESOURCE_EXHAUSTED, "upstream " + upstream + " went " + over + " messages over its credit: a batch of "
          + n + " with only " + outstanding + " credit outstanding");
      return;
    }
    if (batch.firstSeq != s.expectedSeq) {
      abort(s, GrpcStatus.INVALID_ARGUMENT, "batch starts at seq " + batch.firstSeq + ", expected " + s.expectedSeq);
      return;
    }
    for (int i = 0; i < n; i++) {
      EdgeMessage m = batch.messages.get(i);
      int size = m.getValue().size();
      if (size > options.maxMessageBytes()) {
        abort(s, GrpcStatus.RESOURCE_EXHAUSTED, new MessageTooLargeException(m.getId(), size, options.maxMessageBytes()).getMessage());
        return;
      }
    }
    s.expectedSeq += n;
    events.batch(s, batch);
  }

  private void ended(SubscriberSession s, GrpcStatus status, String message) {
    if (status != GrpcStatus.OK && status != GrpcStatus.UNAVAILABLE) {
      metrics.violations.increment();
      lastFailure = new EdgeException(status, "upstream " + upstream + " ended the edge: " + (message == null ? "no message" : message));
      LOG.warn("edge refused by upstream={} status={} message={}", upstream, status.name(), message == null ? "none" : message);
    }
    lost(s, "upstream ended the stream with " + Reasons.status(status, message));
  }

  /**
   * The upstream ended the stream: end ours too, so the HTTP/2 stream is closed on both sides and
   * an upstream shutting down gracefully can close the connection now instead of after its grace.
   */
  private static void endOurSide(SubscriberSession s) {
    try {
      s.call.end();
    } catch (IllegalStateException alreadyEnded) {
      // closed from our side first: nothing to end
    }
  }

  private void lost(SubscriberSession s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    if (session == s) {
      session = null;
    }
    if (connectionHandler != null) {
      connectionHandler.handle(false);
    }
    events.lost(s);
    retry(why);
  }

  private void retry(String why) {
    if (closed) {
      return;
    }
    long base = options.reconnectInitial().toMillis() << Math.min(attempt, 16);
    long delay = Math.min(options.reconnectMax().toMillis(), base);
    delay = Math.max(1, (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    attempt++;
    reconnects++;
    metrics.reconnects.increment();
    if (attempt == 1 || attempt % 10 == 0) {
      LOG.warn("edge lost vertex={} upstream={} why={} retryInMs={} attempt={}", vertex, upstream, why, delay, attempt);
    }
    vertx.setTimer(delay, id -> connect());
  }

  /** Fails stream {@code s} for a protocol violation by the upstream, telling it why in an Abort frame. */
  void abort(SubscriberSession s, GrpcStatus status, String message) {
    if (s.closed) {
      return;
    }
    metrics.violations.increment();
    lastFailure = new EdgeException(status, message);
    LOG.warn("edge protocol violation by upstream={} status={} reason={}", upstream, status.name(), message);
    s.call.write(SubscriberFrame.newBuilder().setAbort(Abort.newBuilder().setCode(status.code).setMessage(message)).build());
    Promise<Void> p = Promise.promise();
    vertx.setTimer(50, id -> p.tryComplete());
    p.future().onComplete(v -> s.call.cancel());
    lost(s, "protocol violation: " + message);
  }

  /**
   * Stops redialling and ends the open stream, if any (after {@code beforeEnd} flushed what it
   * owes). Completes once the upstream ended its side — it had read every ack by then — or after
   * {@code waitMillis}; only then is the connection closed, since closing it while the upstream
   * still sends could reset it and lose the last acks.
   */
  Future<Void> close(Runnable beforeEnd, long waitMillis) {
    closed = true;
    SubscriberSession s = session;
    Future<Void> upstreamEnded = Future.succeededFuture();
    if (s != null && !s.closed) {
      beforeEnd.run();
      s.closed = true;
      s.call.end();
      long timer = vertx.setTimer(waitMillis, id -> {
        if (s.ended.tryComplete()) {
          LOG.warn("edge closing without the upstream's end of stream vertex={} subscriber={} upstream={} waitedMs={}",
              vertex, subscriberId, upstream, waitMillis);
        }
      });
      upstreamEnded = s.ended.future().onComplete(v -> vertx.cancelTimer(timer));
    }
    return upstreamEnded.transform(v -> client.close());
  }
}
