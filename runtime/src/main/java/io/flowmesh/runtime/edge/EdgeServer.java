package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.EdgeGrpcService;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.errors.Reasons;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream end of edges: serves {@code Subscribe}, keeps a bounded queue of messages, and
 * sends them in batches to subscribers that have credit. Per subscriber it keeps the credit and
 * the unacked messages; when an edge closes for any reason, or a subscriber nacks, the unacked
 * messages go back to the front of the queue for the next subscriber with credit.
 *
 * <p>Producers {@link #offer} messages (false when the queue is full) and may listen for
 * {@link #demandHandler demand}: how many messages subscribers could take right now, so a
 * generator produces against credit only.
 *
 * <h2>Concurrency</h2>
 * Create it on an event-loop context; every method must be called on that context and every
 * callback runs there. The gRPC server's connections are handled on the same context because the
 * HTTP server is created from it.
 */
public final class EdgeServer {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
  /** HTTP/2 window of each subscriber's stream towards this server, in bytes. */
  static final int INBOUND_STREAM_WINDOW = 256 * 1024;
  /** HTTP/2 window of each connection towards this server, in bytes. */
  static final int INBOUND_CONNECTION_WINDOW = 1024 * 1024;

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop = Thread.currentThread();
  private final String vertex;
  private final EdgeOptions options;
  private final OutboundQueue queue;
  private final List<Subscription> subscribers = new ArrayList<>();
  private final EdgeServerMetrics metrics;
  private final SubscriberAuth auth;
  private final Handler<Void> dispatchTask = v -> dispatch();
  private Handler<Void> demandHandler;
  private Intake intake;
  private AckListener ackListener = (m, a) -> { };
  private HttpServer server;
  private long heartbeatTimer = -1;
  private long watermark = Watermarks.NONE;
  private boolean dispatchScheduled;
  private int cursor;
  private long redelivered;
  private long acked;
  private boolean closing;
  private final LogLimiter violationLog = new LogLimiter(1000);

  /**
   * @param vertx the Vert.x instance; the current context becomes the edge's context
   * @param vertex this vertex's name, for logs and metrics
   * @param queueCapacity how many messages producers may queue
   */
  public EdgeServer(Vertx vertx, String vertex, EdgeOptions options, int queueCapacity, MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("EdgeServer must be created on an event-loop thread");
    }
    this.vertex = vertex;
    this.options = options;
    this.queue = new OutboundQueue(queueCapacity);
    this.metrics = new EdgeServerMetrics(registry, vertex, queue);
    this.auth = new SubscriberAuth(vertex, options, registry);
  }

  /** Starts serving on {@code host:port} (0 = a free port); completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    checkThread();
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(options.maxFrameBytes()));
    grpc.callHandler(EdgeGrpcService.Subscribe, this::accept);
    // These windows bound what subscribers may send here, never what this server sends (that is the
    // subscriber's window). Subscribers send only small frames (hello, credit, acks), so a small window
    // suffices, and it caps what a peer can push before its frame's length prefix is read and refused.
    HttpServerOptions http = new HttpServerOptions().setHost(host).setPort(port)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(INBOUND_STREAM_WINDOW))
        .setHttp2ConnectionWindowSize(INBOUND_CONNECTION_WINDOW);
    options.tls().applyTo(http);
    server = vertx.createHttpServer(http).requestHandler(grpc);
    heartbeatTimer = vertx.setPeriodic(options.heartbeatInterval().toMillis(), id -> heartbeat());
    String exposed = SubscriberAuth.exposureWarning(vertex, host, options);
    return server.listen().map(HttpServer::actualPort).onSuccess(p -> {
      LOG.info("edge serving vertex={} address={}:{} tls={} token={} allowedSubscribers={}", vertex, host, p,
          !options.tls().enabled() ? "off" : options.tls().mutual() ? "mutual" : "on",
          options.auth().token() == null ? "off" : "on", options.auth().allowedSubscribers());
      if (exposed != null) {
        LOG.warn(exposed);
      }
    });
  }

  /** The bound port, or -1 before {@link #listen}. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Queues a message for the next subscriber with credit.
   *
   * @param attachment handed back to the {@link AckListener} when the message is acked
   * @return false when the queue is full
   * @throws MessageTooLargeException when the value is over {@code edge.max-message-bytes}
   */
  public boolean offer(Message m, Object attachment) {
    checkThread();
    if (m.getValue().size() > options.maxMessageBytes()) {
      throw new MessageTooLargeException(m.getId(), m.getValue().size(), options.maxMessageBytes());
    }
    if (intake != null) {
      return !closing && intake.offer(m, attachment);
    }
    return enqueue(m, attachment);
  }

  /**
   * Queues a message past the {@link Intake}, if there is one (the intake's own way in).
   *
   * @return false when the queue is full
   */
  public boolean enqueue(Message m, Object attachment) {
    checkThread();
    if (closing || !queue.offer(m, attachment)) {
      return false;
    }
    scheduleDispatch();
    return true;
  }

  /**
   * A stage between what producers {@link #offer} and the queue (the source transformer): from
   * now on {@link #offer} hands messages to it, and {@link #demand()} and {@link #room()} are
   * capped by it; it puts its outputs in the queue with {@link #enqueue}.
   */
  public EdgeServer intake(Intake stage) {
    this.intake = stage;
    return this;
  }

  /** Tells the demand handler, at the end of this turn, that demand may have grown (an intake freed room). */
  public void signalDemand() {
    scheduleDispatch();
  }

  /** Room left in the queue (capped by the {@link Intake}, if any). */
  public int room() {
    int r = closing ? 0 : queue.room();
    return intake == null ? r : (int) Math.min(r, intake.room());
  }

  /** Messages queued and not yet sent. */
  public int queued() {
    return queue.size();
  }

  /**
   * How many more messages subscribers could take now: their credit (and window room) summed,
   * less what is already queued, never negative. A generator produces at most this many.
   */
  public long demand() {
    long total = 0;
    for (Subscription s : subscribers) {
      if (s.helloReceived && !s.closed) {
        total = CreditBalance.saturatedAdd(total, Math.min(s.credit.available(), s.unacked.room()));
      }
    }
    long d = closing ? 0 : Math.max(0, Math.min(total, queue.room()) - queue.size());
    return intake == null ? d : Math.min(d, intake.room());
  }

  /** A stage that takes what producers offer before it reaches the queue; see {@link #intake(Intake)}. */
  public interface Intake {
    /** Takes {@code m}; false when the stage is full. */
    boolean offer(Message m, Object attachment);

    /** How many more messages the stage takes now. */
    long room();

    /** After each dispatch: the queue may have room for what the stage holds. */
    default void pull() {
    }
  }

  /** Called, at most once per event-loop turn, when {@link #demand()} may have grown. */
  public EdgeServer demandHandler(Handler<Void> handler) {
    this.demandHandler = handler;
    return this;
  }

  /** Told of every message acknowledged end to end. */
  public EdgeServer ackListener(AckListener listener) {
    this.ackListener = listener;
    return this;
  }

  /** Advances this vertex's watermark; a smaller value than the current one is ignored. */
  public void watermark(long wm) {
    if (wm > watermark) {
      watermark = wm;
    }
  }

  public long watermark() {
    return watermark;
  }

  /** Messages sent and not yet acknowledged, over all subscribers. */
  public int unacked() {
    int n = 0;
    for (Subscription s : subscribers) {
      n += s.unacked.count();
    }
    return n;
  }

  /** Subscribers that said hello and are connected. */
  public int subscriberCount() {
    int n = 0;
    for (Subscription s : subscribers) {
      if (s.helloReceived && !s.closed) {
        n++;
      }
    }
    return n;
  }

  /** Messages put back in the queue so far (nacks and lost edges). */
  public long redelivered() {
    return redelivered;
  }

  /** Messages acknowledged so far. */
  public long acked() {
    return acked;
  }

  /** Refreshes the totals the gauges read; on the event loop, once per dispatch. */
  private void updateGaugeTotals() {
    long credit = 0;
    int unackedTotal = 0;
    for (int i = 0; i < subscribers.size(); i++) {
      Subscription s = subscribers.get(i);
      credit = CreditBalance.saturatedAdd(credit, s.credit.available());
      unackedTotal += s.unacked.count();
    }
    metrics.creditSeen = credit;
    metrics.unackedSeen = unackedTotal;
    metrics.subscribersSeen = subscribers.size();
  }

  /** The edge's state for {@code /status}. */
  public JsonObject status() {
    JsonArray subs = new JsonArray();
    subscribers.forEach(s -> subs.add(s.status()));
    return new JsonObject().put("port", port()).put("queued", queue.size()).put("queueCapacity", queue.capacity())
        .put("unacked", unacked()).put("acked", acked).put("redelivered", redelivered)
        .put("watermark", watermark).put("subscribers", subs);
  }

  /**
   * Stops taking new messages and completes once everything queued and unacked was acknowledged,
   * or when {@code timeoutMillis} passed (then with what is left in the log).
   */
  public Future<Void> drain(long timeoutMillis) {
    checkThread();
    closing = true;
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    Handler<Long> check = new Handler<>() {
      @Override
      public void handle(Long id) {
        if (queue.isEmpty() && unacked() == 0) {
          done.tryComplete();
        } else if (System.nanoTime() > deadline) {
          LOG.warn("edge drain timed out vertex={} queued={} unacked={}", vertex, queue.size(), unacked());
          done.tryComplete();
        } else {
          vertx.setTimer(10, this);
        }
      }
    };
    check.handle(0L);
    return done.future();
  }

  /** Stops serving; unacked messages are lost to this process (the source's own replay covers them). */
  public Future<Void> close() {
    checkThread();
    closing = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    for (Subscription s : new ArrayList<>(subscribers)) {
      if (!s.closed) {
        s.endResponse(GrpcStatus.UNAVAILABLE, "upstream vertex " + vertex + " is shutting down");
      }
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  // ---- per-edge protocol ----

  private void accept(GrpcServerRequest<SubscriberFrame, UpstreamFrame> request) {
    Subscription s = new Subscription(request, options.maxUnackedSpan());
    subscribers.add(s);
    request.messageHandler(msg -> {
      SubscriberFrame frame;
      try {
        frame = Frames.parse(msg, SubscriberFrame.parser());
      } catch (InvalidProtocolBufferException e) {
        violation(s, GrpcStatus.INVALID_ARGUMENT, "malformed frame, not an edge SubscriberFrame: " + Reasons.of(e));
        return;
      }
      onFrame(s, frame);
    });
    request.invalidMessageHandler(e -> onInvalidMessage(s, e));
    request.endHandler(v -> {
      closed(s, "the subscriber ended the stream");
      s.endResponse(GrpcStatus.OK, null);
    });
    request.exceptionHandler(e -> closed(s, "stream reset: " + Reasons.of(e)));
    s.response.exceptionHandler(e -> closed(s, "stream failed: " + Reasons.of(e)
        + " (connection lost; the downstream vertex may have been stopped)"));
    refuseIf(s, auth.atOpen(request));
  }

  /** Ends a stream that failed a {@link SubscriberAuth} check (null: it passed); true when refused. */
  private boolean refuseIf(Subscription s, SubscriberAuth.Refusal r) {
    if (r == null) {
      return false;
    }
    auth.refused(s.request.connection().remoteAddress(), r);
    s.endResponse(r.status(), r.message());
    closed(s, "refused: " + r.reason());
    return true;
  }

  private void onFrame(Subscription s, SubscriberFrame frame) {
    if (s.closed) {
      return;
    }
    switch (frame.getKindCase()) {
      case HELLO:
        onHello(s, frame.getHello());
        return;
      case KIND_NOT_SET:
        violation(s, GrpcStatus.INVALID_ARGUMENT, "empty frame (no hello, credit, ack, nack or abort)");
        return;
      default:
        break;
    }
    if (!s.helloReceived) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "first frame must be a hello, got " + frame.getKindCase().name().toLowerCase());
      return;
    }
    switch (frame.getKindCase()) {
      case CREDIT:
        s.credit.add(frame.getCredit().getMessages());
        scheduleDispatch();
        break;
      case ACK:
        onAck(s, frame.getAck().getSeqsList());
        break;
      case NACK:
        onNack(s, frame.getNack().getSeqsList(), frame.getNack().getReason());
        break;
      case ABORT:
        LOG.warn("edge aborted by subscriber={} code={} reason={}", s.name(), frame.getAbort().getCode(), frame.getAbort().getMessage());
        s.endResponse(GrpcStatus.CANCELLED, "aborted by the subscriber: " + frame.getAbort().getMessage());
        closed(s, "aborted by the subscriber");
        break;
      default:
        break;
    }
  }

  private void onHello(Subscription s, Hello hello) {
    if (s.helloReceived) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "a second hello on the same edge");
      return;
    }
    if (hello.getProtocolVersion() != EdgeOptions.PROTOCOL_VERSION) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "edge protocol version " + hello.getProtocolVersion()
          + " is not supported; upstream vertex " + vertex + " speaks version " + EdgeOptions.PROTOCOL_VERSION);
      return;
    }
    if (refuseIf(s, auth.atHello(s.request, hello.getVertex()))) {
      return;
    }
    s.helloReceived = true;
    s.subscriberId = hello.getSubscriberId();
    s.vertex = hello.getVertex();
    s.credit.add(hello.getInitialCredit());
    s.lastSendNanos = System.nanoTime();
    LOG.info("edge subscribed vertex={} subscriber={} initialCredit={}", vertex, s.name(), hello.getInitialCredit());
    scheduleDispatch();
  }

  private void onAck(Subscription s, List<Long> seqs) {
    int n = 0;
    for (int i = 0, size = seqs.size(); i < size; i++) {
      long seq = seqs.get(i);
      UnackedWindow.AckResult r = s.unacked.ack(seq);
      if (r == UnackedWindow.AckResult.ACKED) {
        n++;
        ackListener.acked(s.unacked.lastMessage(), s.unacked.lastAttachment());
      } else if (r == UnackedWindow.AckResult.NEVER_SENT) {
        metrics.acked.increment(n);
        violation(s, GrpcStatus.INVALID_ARGUMENT, "ack for seq " + seq + ", which was never sent on this edge (next seq is "
            + s.unacked.nextSeq() + ")");
        return;
      }
    }
    s.acked += n;
    acked += n;
    metrics.acked.increment(n);
    scheduleDispatch();
  }

  private void onNack(Subscription s, List<Long> seqs, String reason) {
    List<Message> back = new ArrayList<>(seqs.size());
    List<Object> attachments = new ArrayList<>(seqs.size());
    for (long seq : seqs) {
      if (s.unacked.ack(seq) == UnackedWindow.AckResult.ACKED) {
        back.add(s.unacked.lastMessage());
        attachments.add(s.unacked.lastAttachment());
      }
    }
    metrics.nacked.increment(back.size());
    LOG.debug("edge nack subscriber={} count={} reason={}", s.name(), back.size(), reason);
    vertx.setTimer(options.nackBackoff().toMillis(), id -> {
      for (int i = back.size() - 1; i >= 0; i--) {
        queue.pushFront(back.get(i), attachments.get(i));
      }
      redelivered += back.size();
      metrics.redelivered.increment(back.size());
      scheduleDispatch();
    });
  }

  private void onInvalidMessage(Subscription s, InvalidMessageException e) {
    if (e instanceof MessageSizeOverflowException tooLarge) {
      // Vert.x read only the length prefix and skips the body; the reset stops the peer sending it.
      violation(s, GrpcStatus.RESOURCE_EXHAUSTED, "frame of " + tooLarge.messageSize() + " bytes is over edge.max-frame-bytes="
          + options.maxFrameBytes());
      s.response.cancel();
    } else {
      violation(s, GrpcStatus.INVALID_ARGUMENT, "malformed frame, not an edge SubscriberFrame: " + Reasons.of(e));
    }
  }

  private void violation(Subscription s, GrpcStatus status, String message) {
    if (s.closed) {
      return;
    }
    metrics.violations.increment();
    if (violationLog.allow()) {
      LOG.warn("edge protocol violation vertex={} subscriber={} status={} reason={}{}", vertex, s.name(), status.name(), message,
          violationLog.suppressedSuffix());
    }
    s.endResponse(status, message);
    closed(s, "protocol violation");
  }

  private void closed(Subscription s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    subscribers.remove(s);
    int before = queue.size();
    s.unacked.drainNewestFirst((seq, m, a) -> queue.pushFront(m, a));
    int back = queue.size() - before;
    redelivered += back;
    metrics.redelivered.increment(back);
    if (s.helloReceived) {
      LOG.info("edge closed vertex={} subscriber={} requeued={} why={}", vertex, s.name(), back, why);
    }
    scheduleDispatch();
  }

  // ---- dispatch ----

  private void scheduleDispatch() {
    if (!dispatchScheduled) {
      dispatchScheduled = true;
      context.runOnContext(dispatchTask);
    }
  }

  private void dispatch() {
    dispatchScheduled = false;
    updateGaugeTotals();
    while (!queue.isEmpty()) {
      Subscription s = nextReady();
      if (s == null) {
        break;
      }
      sendBatch(s);
    }
    if (intake != null && !closing) {
      intake.pull();
    }
    if (demandHandler != null && !closing && demand() > 0) {
      demandHandler.handle(null);
    }
    updateGaugeTotals();
  }

  private Subscription nextReady() {
    int n = subscribers.size();
    for (int i = 0; i < n; i++) {
      Subscription s = subscribers.get((cursor + i) % n);
      if (s.canSend()) {
        cursor = (cursor + i + 1) % n;
        return s;
      }
      if (s.open() && s.response.writeQueueFull()) {
        s.response.drainHandler(v -> scheduleDispatch());
      }
    }
    return null;
  }

  private void sendBatch(Subscription s) {
    long limit = Math.min(Math.min(queue.size(), options.maxBatch()), Math.min(s.credit.available(), s.unacked.room()));
    long budget = options.maxFrameBytes() - 1024L;
    Batch.Builder batch = Batch.newBuilder().setFirstSeq(s.unacked.nextSeq()).setWatermark(watermark);
    int count = 0;
    long bytes = 0;
    long payload = 0;
    while (count < limit) {
      Message m = queue.peek();
      int size = EdgeOptions.estimatedSize(m);
      if (count > 0 && bytes + size > budget) {
        break;
      }
      s.unacked.add(m, queue.peekAttachment());
      queue.remove();
      batch.addMessages(m);
      bytes += size;
      payload += m.getValue().size();
      count++;
    }
    s.credit.consume(count);
    s.sent += count;
    s.lastSendNanos = System.nanoTime();
    s.lastWatermarkSent = watermark;
    s.response.write(UpstreamFrame.newBuilder().setBatch(batch).build());
    metrics.sent.increment(count);
    metrics.sentBytes.increment(payload);
    metrics.batches.increment();
  }

  private void heartbeat() {
    long now = System.nanoTime();
    long interval = options.heartbeatInterval().toNanos();
    for (Subscription s : subscribers) {
      if (s.open() && watermark > s.lastWatermarkSent && now - s.lastSendNanos >= interval
          && !s.response.writeQueueFull()) {
        s.lastWatermarkSent = watermark;
        s.lastSendNanos = now;
        s.response.write(UpstreamFrame.newBuilder()
            .setWatermark(io.flowmesh.proto.edge.v1.Watermark.newBuilder().setWatermark(watermark)).build());
      }
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != eventLoop) {
      throw new IllegalStateException("EdgeServer used off its event loop (thread " + Thread.currentThread().getName() + ", owner " + eventLoop.getName() + ")");
    }
  }

  // ---- giving queued messages back (an edge nobody reads; see OrphanWatch) ----

  /**
   * Removes every queued message, oldest first, handing each with its attachment to {@code to}
   * (the vertex gives the inputs behind them back upstream). Unacked messages stay with their
   * subscribers.
   *
   * @return how many were taken
   */
  public int takeQueued(AckListener to) {
    checkThread();
    int n = 0;
    while (!queue.isEmpty()) {
      Message m = queue.peek();
      Object a = queue.peekAttachment();
      queue.remove();
      to.acked(m, a);
      n++;
    }
    return n;
  }

  /** For tests and logs: where this edge is served. */
  public SocketAddress address(String host) {
    return SocketAddress.inetSocketAddress(port(), host);
  }
}
