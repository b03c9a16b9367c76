package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.edge.v1.Abort;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Credit;
import io.flowmesh.proto.edge.v1.EdgeGrpcClient;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.Nack;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.errors.Reasons;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream end of an edge: dials its upstream, says hello, grants credit from the free room
 * of its bounded input buffer, hands messages to its vertex as a {@link ReadStream} (with
 * {@code pause}/{@code fetch} demand), and sends the vertex's acks and nacks back in batches, one
 * flush per event-loop turn. A lost stream is redialled with capped exponential backoff and
 * jitter; the upstream redelivers what was unacked on it.
 *
 * <p>Credit granted = min(free input room, {@code max-unacked} − unacked − buffered) − credit
 * still outstanding, sent when it reaches a quarter of the buffer (or when the upstream has none
 * left). An upstream that sends more than it was granted fails the edge with
 * {@code RESOURCE_EXHAUSTED}, said to it in an {@code Abort} frame before the stream is cancelled.
 *
 * <h2>Concurrency</h2>
 * Create it on an event-loop context; every method must be called there and every handler runs
 * there.
 */
public final class EdgeSubscriber implements ReadStream<Delivery> {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeSubscriber.class);
  /** How long {@link #close()} waits for the upstream to confirm the end of the stream. */
  static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop = Thread.currentThread();
  private final String vertex;
  private final String subscriberId;
  private final HostPort upstream;
  private final EdgeOptions options;
  private final GrpcClient client;
  private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();
  private final EdgeSubscriberMetrics metrics;
  private final Handler<Void> flushTask = v -> flush();
  private final int grantThreshold;
  private final MeterRegistry registry;
  private final List<Meter> gauges = new ArrayList<>();
  private SubscriberSession session;
  private long bufferedBytes;
  private long watermark = Watermarks.NONE;
  private long demand = Long.MAX_VALUE;
  private boolean delivering;
  private boolean flushScheduled;
  private boolean closed;
  private boolean connecting;
  private int attempt;
  private long received;
  private long reconnects;
  private EdgeException lastFailure;
  private Handler<Delivery> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Boolean> connectionHandler;
  /** While true no credit is granted (see {@link #holdCredit}). */
  private boolean creditHeld;

  /**
   * @param vertex this vertex's name, sent in the hello
   * @param subscriberId unique per edge, e.g. {@code map-3f2a/0}
   * @param upstream where the upstream vertex serves its edge
   */
  public EdgeSubscriber(Vertx vertx, String vertex, String subscriberId, HostPort upstream, EdgeOptions options,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("EdgeSubscriber must be created on an event-loop thread");
    }
    this.vertex = vertex;
    this.subscriberId = subscriberId;
    this.upstream = upstream;
    this.options = options;
    this.grantThreshold = Math.max(1, Math.min(options.inputCapacity(), options.maxUnacked()) / 4);
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(options.flowControlWindow()).setMaxFrameSize(1 << 20))
        .setHttp2ConnectionWindowSize(options.flowControlWindow() * 4)
        .setHttp2MultiplexingLimit(1);
    options.tls().applyTo(http);
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(options.maxFrameBytes()), http);
    this.metrics = new EdgeSubscriberMetrics(registry, vertex, upstream.toString());
    this.registry = registry;
    String up = upstream.toString();
    gauges.add(Gauge.builder("flowmesh.edge.input.buffer", buffer, ArrayDeque::size).description("Messages in the input buffer of an edge")
        .tag("vertex", vertex).tag("upstream", up).tag("subscriber", subscriberId).register(registry));
    gauges.add(Gauge.builder("flowmesh.edge.input.capacity", options, EdgeOptions::inputCapacity).description("Capacity of the input buffer of an edge")
        .tag("vertex", vertex).tag("upstream", up).tag("subscriber", subscriberId).register(registry));
    gauges.add(Gauge.builder("flowmesh.edge.credit.granted", this, EdgeSubscriber::creditOutstanding).description("Credit granted to the upstream and not yet used")
        .tag("vertex", vertex).tag("side", "downstream").tag("upstream", up).tag("subscriber", subscriberId).register(registry));
  }

  /** The id this subscriber says hello with. */
  public String subscriberId() {
    return subscriberId;
  }

  /** Starts dialling the upstream; keeps redialling until {@link #close()}. */
  public EdgeSubscriber start() {
    checkThread();
    connect();
    return this;
  }

  /** Whether a stream to the upstream is open now. */
  public boolean connected() {
    return session != null && !session.closed;
  }

  /** Told true when a stream opens and false when it is lost. */
  public EdgeSubscriber connectionHandler(Handler<Boolean> h) {
    this.connectionHandler = h;
    return this;
  }

  /** The latest watermark the upstream sent, {@link Watermarks#NONE} before any. */
  public long watermark() {
    return watermark;
  }

  /**
   * The arrival watermark of the oldest message still buffered here, or {@link Long#MAX_VALUE}
   * when the buffer is empty (a consumer computing a low watermark includes what it has not taken yet).
   */
  public long oldestBufferedWatermark() {
    Delivery d = buffer.peek();
    return d == null ? Long.MAX_VALUE : d.watermark();
  }

  public HostPort upstream() {
    return upstream;
  }

  /** Messages received and not yet handed to the vertex. */
  public int buffered() {
    return buffer.size();
  }

  /** Messages handed to the vertex on the current stream and not yet acked or nacked. */
  public int unacked() {
    return session == null ? 0 : session.unacked;
  }

  /** Credit granted on the current stream and not yet used by the upstream. */
  public long creditOutstanding() {
    SubscriberSession s = session;
    return s == null ? 0 : s.credit.available();
  }

  public long received() {
    return received;
  }

  public long reconnects() {
    return reconnects;
  }

  /** The last edge failure this subscriber saw, or null. */
  public EdgeException lastFailure() {
    return lastFailure;
  }

  /** Acknowledges a delivery: it was processed end to end. Sent with the next flush. */
  public void ack(Delivery d) {
    checkThread();
    SubscriberSession s = d.session;
    if (s.closed) {
      metrics.staleAcks.increment();
      return;
    }
    s.unacked--;
    s.addAck(d.seq);
    scheduleFlush();
    maybeGrant();
  }

  /** Gives a delivery back: the upstream redelivers it after its nack backoff. */
  public void nack(Delivery d, String reason) {
    checkThread();
    SubscriberSession s = d.session;
    if (s.closed) {
      metrics.staleAcks.increment();
      return;
    }
    s.unacked--;
    s.addNack(d.seq, reason);
    scheduleFlush();
    maybeGrant();
  }

  /**
   * Flushes pending acks, ends the stream (the upstream requeues whatever is still unacked) and
   * stops redialling. Buffered deliveries not yet handed out are dropped; the upstream has them.
   * Completes once the upstream ended its side of the stream — it had read every ack by then — or
   * after {@value #CLOSE_WAIT_MILLIS} ms; only then is the connection closed, since closing it
   * while the upstream still sends could reset it and lose the last acks (the upstream would send
   * those messages again).
   */
  public Future<Void> close() {
    checkThread();
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    SubscriberSession s = session;
    Future<Void> upstreamEnded = Future.succeededFuture();
    if (s != null && !s.closed) {
      flush();
      s.closed = true;
      s.request.end();
      long timer = vertx.setTimer(CLOSE_WAIT_MILLIS, id -> {
        if (s.ended.tryComplete()) {
          LOG.warn("edge closing without the upstream's end of stream vertex={} subscriber={} upstream={} waitedMs={}",
              vertex, subscriberId, upstream, CLOSE_WAIT_MILLIS);
        }
      });
      upstreamEnded = s.ended.future().onComplete(v -> vertx.cancelTimer(timer));
    }
    buffer.clear();
    bufferedBytes = 0;
    if (endHandler != null) {
      endHandler.handle(null);
    }
    // The gauges hold on to this subscriber; a closed one must not be scraped or kept alive.
    gauges.forEach(registry::remove);
    return upstreamEnded.transform(v -> client.close());
  }

  /** This edge's state for {@code /status}. */
  public JsonObject status() {
    return new JsonObject().put("upstream", upstream.toString()).put("subscriber", subscriberId)
        .put("connected", connected()).put("buffered", buffer.size()).put("bufferedBytes", bufferedBytes)
        .put("unacked", unacked()).put("credit", creditOutstanding()).put("received", received)
        .put("reconnects", reconnects).put("watermark", watermark).put("creditHeld", creditHeld)
        .put("lastFailure", lastFailure == null ? null : lastFailure.getMessage());
  }

  // ---- ReadStream ----

  @Override
  public EdgeSubscriber handler(Handler<Delivery> handler) {
    this.handler = handler;
    if (handler != null) {
      deliver();
    }
    return this;
  }

  @Override
  public EdgeSubscriber pause() {
    demand = 0;
    return this;
  }

  @Override
  public EdgeSubscriber resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public EdgeSubscriber fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("fetch amount must not be negative: " + amount);
    }
    demand = CreditBalance.saturatedAdd(demand, amount);
    deliver();
    return this;
  }

  @Override
  public EdgeSubscriber endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  /** Told of every edge failure (the subscriber redials; these are not terminal). */
  @Override
  public EdgeSubscriber exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  // ---- connection ----

  private void connect() {
    if (closed || connecting) {
      return;
    }
    connecting = true;
    SocketAddress address = SocketAddress.inetSocketAddress(upstream.port(), upstream.host());
    Future<GrpcClientRequest<SubscriberFrame, UpstreamFrame>> request;
    try {
      request = client.request(address, EdgeGrpcClient.Subscribe);
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
          ar.result().cancel();
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

  private void open(GrpcClientRequest<SubscriberFrame, UpstreamFrame> request) {
    SubscriberSession s = new SubscriberSession(request);
    session = s;
    attempt = 0;
    long initial = grantable(s);
    s.credit.add(initial);
    request.exceptionHandler(e -> {
      s.ended.tryComplete();
      lost(s, "stream failed: " + Reasons.of(e));
    });
    if (options.auth().token() != null) {
      request.headers().set(SubscriberAuth.METADATA_KEY, BearerToken.header(options.auth().token()));
    }
    request.write(SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId(subscriberId)
        .setVertex(vertex).setProtocolVersion(EdgeOptions.PROTOCOL_VERSION).setInitialCredit(initial)).build());
    request.response().onComplete(ar -> {
      if (ar.failed()) {
        s.ended.tryComplete();
        lost(s, "no response from upstream: " + Reasons.of(ar.cause()));
        return;
      }
      GrpcClientResponse<SubscriberFrame, UpstreamFrame> response = ar.result();
      response.messageHandler(msg -> {
        UpstreamFrame frame;
        try {
          frame = Frames.parse(msg, UpstreamFrame.parser());
        } catch (InvalidProtocolBufferException e) {
          abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent a malformed frame: " + Reasons.of(e));
          return;
        }
        onFrame(s, frame);
      });
      response.invalidMessageHandler(e -> {
        if (e instanceof MessageSizeOverflowException tooLarge) {
          abort(s, GrpcStatus.RESOURCE_EXHAUSTED, "upstream sent a frame of " + tooLarge.messageSize()
              + " bytes, over edge.max-frame-bytes=" + options.maxFrameBytes());
        } else {
          abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent an unreadable frame: " + Reasons.of(e));
        }
      });
      response.exceptionHandler(e -> {
        s.ended.tryComplete();
        lost(s, "stream failed: " + Reasons.of(e));
      });
      response.endHandler(v -> {
        s.ended.tryComplete();
        ended(s, response);
      });
    });
    LOG.info("edge connected vertex={} subscriber={} upstream={} initialCredit={}", vertex, subscriberId, upstream, initial);
    if (connectionHandler != null) {
      connectionHandler.handle(true);
    }
  }

  private void ended(SubscriberSession s, GrpcClientResponse<SubscriberFrame, UpstreamFrame> response) {
    GrpcStatus status = response.status();
    String message = Reasons.statusMessage(response);
    if (status != null && status != GrpcStatus.OK && status != GrpcStatus.UNAVAILABLE) {
      metrics.violations.increment();
      lastFailure = new EdgeException(status, "upstream " + upstream + " ended the edge: " + (message == null ? "no message" : message));
      LOG.warn("edge refused by upstream={} status={} message={}", upstream, status.name(), message == null ? "none" : message);
    }
    lost(s, "upstream ended the stream with " + Reasons.status(status, message));
  }

  private void lost(SubscriberSession s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    if (session == s) {
      session = null;
    }
    // What is buffered belongs to the lost stream; the upstream requeued it and will send it again.
    buffer.removeIf(d -> {
      if (d.session == s) {
        bufferedBytes -= d.message().getValue().size();
        return true;
      }
      return false;
    });
    if (connectionHandler != null) {
      connectionHandler.handle(false);
    }
    if (exceptionHandler != null && lastFailure != null) {
      exceptionHandler.handle(lastFailure);
    }
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

  // ---- inbound ----

  private void onFrame(SubscriberSession s, UpstreamFrame frame) {
    if (s.closed) {
      return;
    }
    switch (frame.getKindCase()) {
      case BATCH:
        onBatch(s, frame.getBatch());
        break;
      case WATERMARK:
        advanceWatermark(frame.getWatermark().getWatermark());
        break;
      default:
        abort(s, GrpcStatus.INVALID_ARGUMENT, "upstream sent an empty frame");
        break;
    }
  }

  private void onBatch(SubscriberSession s, Batch batch) {
    int n = batch.getMessagesCount();
    long outstanding = s.credit.available();
    long over = s.credit.receive(n);
    if (over > 0) {
      abort(s, GrpcStatus.RESOURCE_EXHAUSTED, "upstream " + upstream + " went " + over + " messages over its credit: a batch of "
          + n + " with only " + outstanding + " credit outstanding");
      return;
    }
    if (batch.getFirstSeq() != s.expectedSeq) {
      abort(s, GrpcStatus.INVALID_ARGUMENT, "batch starts at seq " + batch.getFirstSeq() + ", expected " + s.expectedSeq);
      return;
    }
    long wm = batch.getWatermark();
    advanceWatermark(wm);
    long payload = 0;
    for (int i = 0; i < n; i++) {
      Message m = batch.getMessages(i);
      int size = m.getValue().size();
      if (size > options.maxMessageBytes()) {
        abort(s, GrpcStatus.RESOURCE_EXHAUSTED, new MessageTooLargeException(m.getId(), size, options.maxMessageBytes()).getMessage());
        return;
      }
      buffer.add(new Delivery(m, watermark, s.expectedSeq + i, s));
      payload += size;
    }
    s.expectedSeq += n;
    bufferedBytes += payload;
    received += n;
    metrics.received.increment(n);
    metrics.receivedBytes.increment(payload);
    deliver();
  }

  private void advanceWatermark(long wm) {
    if (wm > watermark) {
      watermark = wm;
    }
  }

  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (demand > 0 && handler != null && !buffer.isEmpty()) {
        Delivery d = buffer.poll();
        bufferedBytes -= d.message().getValue().size();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        d.session.unacked++;
        handler.handle(d);
      }
    } finally {
      delivering = false;
    }
    maybeGrant();
  }

  // ---- credit, acks, failures ----

  private long grantable(SubscriberSession s) {
    if (creditHeld || bufferedBytes >= options.inputBytes()) {
      return 0;
    }
    long room = Math.min(options.inputCapacity() - buffer.size(), (long) options.maxUnacked() - s.unacked - buffer.size());
    return Math.max(0, room - s.credit.available());
  }

  private void maybeGrant() {
    SubscriberSession s = session;
    if (s == null || s.closed) {
      return;
    }
    long grant = grantable(s);
    if (grant >= grantThreshold || (grant > 0 && s.credit.available() == 0)) {
      s.credit.add(grant);
      s.unannouncedCredit += grant;
      scheduleFlush();
    }
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(flushTask);
    }
  }

  private void flush() {
    flushScheduled = false;
    SubscriberSession s = session;
    if (s == null || s.closed) {
      return;
    }
    if (s.ackCount > 0) {
      Ack.Builder ack = Ack.newBuilder();
      for (int i = 0; i < s.ackCount; i++) {
        ack.addSeqs(s.acks[i]);
      }
      s.ackCount = 0;
      s.request.write(SubscriberFrame.newBuilder().setAck(ack).build());
    }
    if (s.nackCount > 0) {
      Nack.Builder nack = Nack.newBuilder().setReason(s.nackReason);
      for (int i = 0; i < s.nackCount; i++) {
        nack.addSeqs(s.nacks[i]);
      }
      s.nackCount = 0;
      s.request.write(SubscriberFrame.newBuilder().setNack(nack).build());
    }
    if (s.unannouncedCredit > 0) {
      s.request.write(SubscriberFrame.newBuilder().setCredit(Credit.newBuilder().setMessages(s.unannouncedCredit)).build());
      s.unannouncedCredit = 0;
    }
  }

  private void abort(SubscriberSession s, GrpcStatus status, String message) {
    if (s.closed) {
      return;
    }
    metrics.violations.increment();
    lastFailure = new EdgeException(status, message);
    LOG.warn("edge protocol violation by upstream={} status={} reason={}", upstream, status.name(), message);
    s.request.write(SubscriberFrame.newBuilder().setAbort(Abort.newBuilder().setCode(status.code).setMessage(message)).build());
    Promise<Void> p = Promise.promise();
    vertx.setTimer(50, id -> p.tryComplete());
    p.future().onComplete(v -> s.request.cancel());
    lost(s, "protocol violation: " + message);
  }

  // ---- holding credit (a vertex that cannot forward what it would take) ----

  /**
   * While {@code hold} is true no credit is granted, on this stream or a new one: the upstream
   * sends this edge at most the credit it already has, and sends the rest to other subscribers.
   * Releasing it grants the free room again.
   */
  public EdgeSubscriber holdCredit(boolean hold) {
    checkThread();
    creditHeld = hold;
    if (!hold) {
      maybeGrant();
    }
    return this;
  }

  /** Whether credit is held ({@link #holdCredit}). */
  public boolean creditHeld() {
    return creditHeld;
  }

  private void checkThread() {
    if (Thread.currentThread() != eventLoop) {
      throw new IllegalStateException("EdgeSubscriber used off its event loop (thread " + Thread.currentThread().getName() + ", owner " + eventLoop.getName() + ")");
    }
  }
}
