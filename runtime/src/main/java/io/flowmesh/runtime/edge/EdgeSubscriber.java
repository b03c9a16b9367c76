package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The downstream end of an edge: dials its upstream, says hello, grants credit from the free room
 * of its bounded input buffer, hands messages to its vertex as a {@link ReadStream} (with
 * {@code pause}/{@code fetch} demand), and sends the vertex's acks and nacks back in batches (at
 * most one flush per event-loop turn; acks alone wait up to {@code edge.ack-delay} for more). A
 * lost stream is redialled with capped exponential backoff and jitter; the upstream redelivers what
 * was unacked on it. The connection itself (dialling, hello, redial, abort, close) is
 * {@link SubscriberLink}'s.
 *
 * <p>Credit is {@link SubscriberCredit}'s. An upstream that sends more than it was granted fails the
 * edge with {@code RESOURCE_EXHAUSTED}, said to it in an {@code Abort} frame before the stream is
 * cancelled.
 *
 * <h2>Concurrency</h2>
 * Create it on an event-loop context; every method must be called there and every handler runs
 * there.
 */
public final class EdgeSubscriber implements ReadStream<Delivery> {

  /** How long {@link #close()} waits for the upstream to confirm the end of the stream. */
  static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Thread eventLoop = Thread.currentThread();
  private final String vertex;
  private final String subscriberId;
  private final String upstreamVertex;
  private final HostPort upstream;
  private final EdgeOptions options;
  private final SubscriberLink link;
  private final InputQueue buffer = new InputQueue();
  private final EdgeSubscriberMetrics metrics;
  private final SubscriberCredit credit;
  private long watermark = Watermarks.NONE;
  private final SubscriberFlush flush;
  private boolean closed;
  private long received;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  /** Whether this edge's upstream vertex counts as gone ({@link UpstreamSet#gone}); set by the set that made it. */
  BooleanSupplier upstreamGone = () -> false;

  /**
   * @param vertex this vertex's name, sent in the hello
   * @param subscriberId unique per edge, e.g. {@code map-3f2a/0}
   * @param upstream where the upstream vertex serves its edge
   */
  public EdgeSubscriber(Vertx vertx, String vertex, String subscriberId, HostPort upstream, EdgeOptions options,
      MeterRegistry registry) {
    this(vertx, vertex, "", subscriberId, upstream, options, registry);
  }

  /**
   * @param upstreamVertex the name of the upstream vertex as configured ({@code Y.upstream.<vertex>}),
   *     sent in {@code Hello.upstream_vertex}; empty for an unnamed upstream
   */
  public EdgeSubscriber(Vertx vertx, String vertex, String upstreamVertex, String subscriberId, HostPort upstream,
      EdgeOptions options, MeterRegistry registry) {
    Context context = vertx.getOrCreateContext();
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("EdgeSubscriber must be created on an event-loop thread");
    }
    this.vertex = vertex;
    this.subscriberId = subscriberId;
    this.upstreamVertex = upstreamVertex;
    this.upstream = upstream;
    this.options = options;
    this.credit = new SubscriberCredit(options, buffer);
    this.metrics = new EdgeSubscriberMetrics(registry, vertex, upstream.toString());
    this.link = new SubscriberLink(vertx, vertex, upstreamVertex, subscriberId, upstream, options, metrics, new SubscriberLink.Events() {
      @Override
      public long initialCredit(SubscriberSession s) {
        return credit.grantable(s);
      }

      @Override
      public void batch(SubscriberSession s, EdgeFrames.Inbound batch) {
        onBatch(s, batch);
      }

      @Override
      public void watermark(long wm) {
        advanceWatermark(wm);
      }

      @Override
      public void lost(SubscriberSession s) {
        onLost(s);
      }
    });
    this.flush = new SubscriberFlush(vertx, context, options, link::session);
    metrics.registerGauges(this, vertex, upstream.toString(), options);
  }

  /** This vertex's name (sent in the hello). */
  public String vertex() {
    return vertex;
  }

  /** {@code edge.max-frame-bytes} here: the most an ack frame may take, so the cap of a reply ({@link MergedReply}). */
  public int maxFrameBytes() {
    return options.maxFrameBytes();
  }

  /** The id this subscriber says hello with. */
  public String subscriberId() {
    return subscriberId;
  }

  /** Starts dialling the upstream; keeps redialling until {@link #close()}. */
  public EdgeSubscriber start() {
    checkThread();
    link.connect();
    return this;
  }

  /** Whether a stream to the upstream is open now. */
  public boolean connected() {
    return link.connected();
  }

  /** Told true when a stream opens and false when it is lost. */
  public EdgeSubscriber connectionHandler(Handler<Boolean> h) {
    link.connectionHandler(h);
    return this;
  }

  /** The latest watermark the upstream sent, {@link Watermarks#NONE} before any. */
  public long watermark() {
    return watermark;
  }

  /**
   * The watermark this edge holds its vertex's input watermark at: {@link #watermark()}, or
   * {@link Long#MAX_VALUE} while its upstream vertex counts as gone (no replica connected for
   * longer than the grace, {@link UpstreamSet#gone}), so a gone upstream of a join does not hold
   * the join back forever.
   */
  public long inputWatermark() {
    return upstreamGone.getAsBoolean() ? Long.MAX_VALUE : watermark;
  }

  /** The upstream vertex's name as configured, empty for an unnamed upstream. */
  public String upstreamVertex() {
    return upstreamVertex;
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
    SubscriberSession s = link.session();
    return s == null ? 0 : s.unacked;
  }

  /** Credit granted on the current stream and not yet used by the upstream. */
  public long creditOutstanding() {
    SubscriberSession s = link.session();
    return s == null ? 0 : s.credit.available();
  }

  public long received() {
    return received;
  }

  public long reconnects() {
    return link.reconnects();
  }

  /** The last edge failure this subscriber saw, or null. */
  public EdgeException lastFailure() {
    return link.lastFailure();
  }

  /** Acknowledges a delivery: it was processed end to end. Sent with the next flush. */
  public void ack(Delivery d) {
    settle(d, null);
  }

  /**
   * Acknowledges a delivery marked serve ({@code Message.serve}) with its answer: what this vertex
   * and those after it produced from it ({@code reply}, empty for nothing). The reply travels in the
   * next flush's ack frame; one too large for an ack frame ({@code edge.max-frame-bytes}) is
   * replaced by a failure reply naming its size and the limit ({@link MergedReply#fit}), so the
   * message is still acked and its caller told. A delivery not marked is acked plainly and the reply
   * ignored.
   */
  public void ack(Delivery d, List<ReplyOutput> reply) {
    settle(d, d.serve() && reply != null ? MergedReply.fit(reply, d.message().getId(), vertex, options.maxFrameBytes()) : null);
  }

  /** Acks {@code d} with the next flush: plainly by its seq ({@code reply} null), or with its reply. */
  private void settle(Delivery d, List<ReplyOutput> reply) {
    checkThread();
    settled(d.session.settle(d.seq, d.size, reply));
  }

  /** Gives a delivery back: the upstream redelivers it after its nack backoff. */
  public void nack(Delivery d, String reason) {
    checkThread();
    settled(d.session.settleNack(d.seq, d.size, reason));
  }

  /** After an ack or nack: send it when due and grant the room it freed, or count it stale (its stream was lost). */
  private void settled(boolean onOpenStream) {
    if (onOpenStream) {
      flush.settled();
      maybeGrant();
    } else {
      metrics.staleAcks.increment();
    }
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
    flush.cancel();
    Future<Void> closing = link.close(flush::flush, CLOSE_WAIT_MILLIS);
    buffer.clear();
    if (endHandler != null) {
      endHandler.handle(null);
    }
    metrics.removeGauges();
    return closing;
  }

  /** This edge's state for {@code /status}. */
  public JsonObject status() {
    EdgeException failure = link.lastFailure();
    return new JsonObject().put("upstream", upstream.toString()).put("upstreamVertex", upstreamVertex).put("subscriber", subscriberId)
        .put("connected", connected()).put("buffered", buffer.size()).put("bufferedBytes", buffer.bytes())
        .put("unacked", unacked()).put("credit", creditOutstanding()).put("received", received)
        .put("reconnects", link.reconnects()).put("watermark", watermark).put("creditHeld", credit.held())
        .put("lastFailure", failure == null ? null : failure.getMessage());
  }

  // ---- ReadStream ----

  @Override
  public EdgeSubscriber handler(Handler<Delivery> handler) {
    buffer.handler(handler);
    if (handler != null) {
      deliver();
    }
    return this;
  }

  @Override
  public EdgeSubscriber pause() {
    buffer.pause();
    return this;
  }

  @Override
  public EdgeSubscriber resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public EdgeSubscriber fetch(long amount) {
    buffer.fetch(amount);
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

  // ---- inbound ----

  private void onLost(SubscriberSession s) {
    // What is buffered belongs to the lost stream; the upstream requeued it and will send it again.
    buffer.purge(s);
    EdgeException failure = link.lastFailure();
    if (exceptionHandler != null && failure != null) {
      exceptionHandler.handle(failure);
    }
  }

  private void onBatch(SubscriberSession s, EdgeFrames.Inbound batch) {
    advanceWatermark(batch.watermark);
    long payload = buffer.addAll(batch, watermark, s);
    int n = batch.messages.size();
    credit.observe(n, payload);
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
    buffer.deliver();
    maybeGrant();
  }

  // ---- credit, acks ----

  private void maybeGrant() {
    if (credit.grantIfDue(link.session())) {
      flush.atTurnEnd();
    }
  }

  // ---- holding credit (a vertex that cannot forward what it would take) ----

  /**
   * While {@code hold} is true no credit is granted, on this stream or a new one: the upstream
   * sends this edge at most the credit it already has, and sends the rest to other subscribers.
   * Releasing it grants the free room again.
   */
  public EdgeSubscriber holdCredit(boolean hold) {
    checkThread();
    credit.hold(hold);
    if (!hold) {
      maybeGrant();
    }
    return this;
  }

  /** Whether credit is held ({@link #holdCredit}). */
  public boolean creditHeld() {
    return credit.held();
  }

  private void checkThread() {
    if (Thread.currentThread() != eventLoop) {
      throw new IllegalStateException("EdgeSubscriber used off its event loop (thread " + Thread.currentThread().getName() + ", owner " + eventLoop.getName() + ")");
    }
  }
}
