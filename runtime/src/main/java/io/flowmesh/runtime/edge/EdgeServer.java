package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.flow.AwaitCondition;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream end of edges: serves {@code Subscribe}, keeps a bounded queue of messages, and
 * sends them in batches to subscribers that have credit. Per subscriber it keeps the credit and
 * the unacked messages; when an edge closes for any reason, or a subscriber nacks, the unacked
 * messages go back to the front of the queue for the next subscriber with credit.
 *
 * <p>With named edges ({@link EdgeRoutes}, {@code X.edge.to}) each downstream vertex has its own
 * queue and subscribers, a message goes on every edge whose tag condition it meets, and it is
 * acked to the producer once every copy is ({@link OutboundEdges}); the queue bound is shared.
 *
 * <p>Producers {@link #offer} messages (false when the queue is full) and may listen for
 * {@link #demandHandler demand}: how many messages subscribers could take right now, so a
 * generator produces against credit only.
 *
 * <h2>Concurrency</h2>
 * Create it on an event-loop context; every method must be called on that context and every
 * callback runs there. The HTTP/2 server's connections ({@link EdgeCall}: each {@code Subscribe}
 * call) are handled on the same context because the server is created from it.
 */
public final class EdgeServer {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
  /** How long {@link #close()} keeps a connection open for its subscribers to read the end of their streams. */
  static final long CLOSE_GRACE_MILLIS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop = Thread.currentThread();
  private final String vertex;
  private final EdgeOptions options;
  private final OutboundEdges outbound;
  private final EdgeStreams streams;
  private final Handler<Void> dispatchTask = v -> dispatch();
  private final Handler<Void> drainTask = v -> scheduleDispatch();
  private Handler<Void> demandHandler;
  private EdgeIntake intake;
  private AckListener ackListener = (m, a, reply) -> { };
  private HttpServer server;
  private long heartbeatTimer = -1;
  private long watermark = Watermarks.NONE;
  private boolean dispatchScheduled;
  private long acked;
  private boolean closing;

  /**
   * @param vertx the Vert.x instance; the current context becomes the edge's context
   * @param vertex this vertex's name, for logs and metrics
   * @param queueCapacity how many messages producers may queue
   */
  public EdgeServer(Vertx vertx, String vertex, EdgeOptions options, int queueCapacity, MeterRegistry registry) {
    this(vertx, vertex, options, queueCapacity, EdgeRoutes.SINGLE, registry);
  }

  /**
   * @param vertx the Vert.x instance; the current context becomes the edge's context
   * @param vertex this vertex's name, for logs, metrics and the edges' names
   * @param queueCapacity how many messages producers may queue (on any of the edges)
   * @param routes the outbound edges ({@code X.edge.to}) and their tag conditions
   */
  public EdgeServer(Vertx vertx, String vertex, EdgeOptions options, int queueCapacity, EdgeRoutes routes, MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("EdgeServer must be created on an event-loop thread");
    }
    this.vertex = vertex;
    this.options = options;
    this.outbound = new OutboundEdges(vertex, options, queueCapacity, routes, registry);
    this.streams = new EdgeStreams(vertx, this, vertex, options, new SubscriberAuth(vertex, options, !routes.single(), registry),
        outbound);
  }

  /** {@code edge.max-frame-bytes} here: the most an ack frame may take, so the cap of a reply ({@link MergedReply}). */
  public int maxFrameBytes() {
    return options.maxFrameBytes();
  }

  /** As {@link #listen(String, int, String)} for a port no key sets (tests, tools). */
  public Future<Integer> listen(String host, int port) {
    return listen(host, port, null);
  }

  /**
   * Starts serving on {@code host:port} (0 = a free port); completes with the bound port, or fails
   * with a line naming the address and {@code portKey}, the key that set the port ({@link EdgeListen}).
   */
  public Future<Integer> listen(String host, int port, String portKey) {
    checkThread();
    server = vertx.createHttpServer(EdgeCall.serverOptions(host, port, options))
        .connectionHandler(c -> EdgeCall.onConnection(vertx, c, options, vertex))
        .requestHandler(r -> EdgeCall.route(r, vertex, streams::accept));
    heartbeatTimer = vertx.setPeriodic(options.heartbeatInterval().toMillis(), id -> heartbeat());
    return EdgeListen.outcome(server.listen(), vertex, host, port, portKey, options, outbound.routes);
  }

  /** The bound port, or -1 before {@link #listen}. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Queues a message for the next subscriber with credit; with named edges, on every edge whose
   * tag condition it meets (on none: dropped, counted, and acked as done at the end of this turn).
   *
   * @param attachment handed back to the {@link AckListener} when the message is acked
   * @return false when the queue is full
   * @throws MessageTooLargeException when the value is over {@code edge.max-message-bytes}
   */
  public boolean offer(EdgeMessage m, Object attachment) {
    checkThread();
    checkSize(m);
    if (intake != null) {
      return !closing && intake.offer(m, attachment);
    }
    return enqueue(m, attachment);
  }

  private void checkSize(EdgeMessage m) {
    if (m.getValue().size() > options.maxMessageBytes()) {
      throw new MessageTooLargeException(m.getId(), m.getValue().size(), options.maxMessageBytes());
    }
  }

  /**
   * Queues a message past the {@link EdgeIntake}, if there is one (the intake's own way in).
   *
   * @return false when the queue is full
   */
  public boolean enqueue(EdgeMessage m, Object attachment) {
    checkThread();
    if (closing || !outbound.offer(m, attachment, false)) {
      return false;
    }
    scheduleDispatch();
    return true;
  }

  /**
   * Queues a message even when the queue is at its bound: for a producer whose messages already
   * exist when the bound is reached, so that refusing one would free nothing and only lose it (a
   * map's elements in the UDF answering with more outputs than the bound had room for). The bound
   * still governs {@link #room()}, which stays 0 until the queue drains below it, so the producer
   * takes no new work meanwhile. Not for producers with an {@link #intake(EdgeIntake)}.
   *
   * @return false only when the server is closing
   * @throws MessageTooLargeException when the value is over {@code edge.max-message-bytes}
   */
  public boolean offerOverBound(EdgeMessage m, Object attachment) {
    checkThread();
    checkSize(m);
    if (intake != null) {
      throw new IllegalStateException("offerOverBound: this edge server has an intake stage");
    }
    if (closing) {
      return false;
    }
    outbound.offer(m, attachment, true);
    scheduleDispatch();
    return true;
  }

  /**
   * A stage between what producers {@link #offer} and the queue (the source transformer): from
   * now on {@link #offer} hands messages to it, and {@link #demand()} and {@link #room()} are
   * capped by it; it puts its outputs in the queue with {@link #enqueue}.
   */
  public EdgeServer intake(EdgeIntake stage) {
    this.intake = stage;
    return this;
  }

  /** Tells the demand handler, at the end of this turn, that demand may have grown (an intake freed room). */
  public void signalDemand() {
    scheduleDispatch();
  }

  /** Room left under the queue bound (capped by the {@link EdgeIntake}, if any). */
  public int room() {
    int r = closing ? 0 : outbound.room();
    return intake == null ? r : (int) Math.min(r, intake.room());
  }

  /** Messages queued (on at least one edge) and not yet sent. */
  public int queued() {
    return outbound.held();
  }

  /**
   * How many more messages subscribers could take now: their credit (and window room) summed,
   * less what is already queued, never negative; with named edges, the most any one edge could
   * take, within the shared bound. A generator produces at most this many.
   */
  public long demand() {
    long d = closing ? 0 : outbound.demand();
    return intake == null ? d : Math.min(d, intake.room());
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

  /** Messages sent and not yet acknowledged, over all subscribers (each copy on each edge). */
  public int unacked() {
    return outbound.unacked();
  }

  /** Subscribers that said hello and are connected, on every edge. */
  public int subscriberCount() {
    return outbound.subscriberCount();
  }

  /** Messages put back in a queue so far (nacks and lost edges). */
  public long redelivered() {
    return outbound.redelivered();
  }

  /** Messages acknowledged so far (with several edges: once every copy of a message was). */
  public long acked() {
    return acked;
  }

  /**
   * The edge's state for {@code /status}; with named edges also {@code dropped} (no edge took them)
   * and {@code edges}: per edge its subscribers, queued, unacked, sent, acked, redelivered, detached
   * and {@code notMatched} (messages its condition did not take). {@code detached}: messages given
   * bytes of their own while they waited long for an ack or a subscriber (see {@code FrameLook}).
   */
  public JsonObject status() {
    JsonObject j = new JsonObject().put("port", port()).put("queued", outbound.held()).put("queueCapacity", outbound.capacity())
        .put("unacked", unacked()).put("acked", acked).put("redelivered", outbound.redelivered())
        .put("detached", outbound.detached()).put("watermark", watermark);
    if (outbound.routes.single()) {
      return j.put("subscribers", outbound.edges[0].subscribersStatus());
    }
    outbound.status(j);
    return j.put("subscribers", streams.pendingStatus());
  }

  /**
   * Stops taking new messages and completes once everything queued and unacked was acknowledged,
   * or when {@code timeoutMillis} passed (then with what is left in the log).
   */
  public Future<Void> drain(long timeoutMillis) {
    checkThread();
    closing = true;
    return AwaitCondition.until(vertx, outbound::empty, System.nanoTime() + timeoutMillis * 1_000_000L).transform(ar -> {
      if (ar.failed() || !ar.result()) {
        LOG.warn("edge drain {} vertex={} queued={} unacked={}", ar.failed() ? "failed: " + ar.cause() : "timed out", vertex,
            outbound.held(), unacked());
      }
      return Future.<Void>succeededFuture();
    });
  }

  /**
   * Stops serving; unacked messages are lost to this process (the source's own replay covers them).
   *
   * <p>Every stream is ended first with {@code UNAVAILABLE} and the reason; then the HTTP server
   * shuts down gracefully (GOAWAY, no new stream), and each connection is closed once its streams
   * are done — a subscriber ends its side after reading the status — or after
   * {@value #CLOSE_GRACE_MILLIS} ms. Closing at once could reset a connection on which a subscriber
   * is still writing acks: it would then see "Broken pipe" instead of the status, and could lose the
   * status itself.
   */
  public Future<Void> close() {
    checkThread();
    closing = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    streams.endAll(GrpcStatus.UNAVAILABLE, "upstream vertex " + vertex + " is shutting down");
    return server == null ? Future.succeededFuture() : server.shutdown(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  // ---- called by EdgeStreams ----

  /**
   * A message acknowledged on an edge: told to the {@link AckListener} once every copy of it was;
   * a message marked serve with the replies of all its copies ({@code reply}: this copy's, or null).
   */
  void acked(EdgeMessage m, Object attachment, List<ReplyOutput> reply) {
    if (outbound.ackedCopy(m, attachment, reply, ackListener)) {
      acked++;
    }
  }

  // ---- dispatch ----

  void scheduleDispatch() {
    if (!dispatchScheduled) {
      dispatchScheduled = true;
      context.runOnContext(dispatchTask);
    }
  }

  private void dispatch() {
    dispatchScheduled = false;
    outbound.ackUnmatched(ackListener);
    for (OutboundEdge edge : outbound.edges) {
      edge.updateGaugeTotals();
      while (!edge.queue.isEmpty()) {
        Subscription s = edge.nextReady(drainTask);
        if (s == null) {
          break;
        }
        edge.sendBatch(s, watermark);
      }
    }
    if (intake != null && !closing) {
      intake.pull();
    }
    if (demandHandler != null && !closing && demand() > 0) {
      demandHandler.handle(null);
    }
    for (OutboundEdge edge : outbound.edges) {
      edge.updateGaugeTotals();
    }
  }

  private void heartbeat() {
    long now = System.nanoTime();
    for (OutboundEdge edge : outbound.edges) {
      edge.heartbeat(now, options.heartbeatInterval().toNanos(), watermark);
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
   * subscribers; with several edges a message is handed back once, and its copies already sent
   * are not told when acked.
   *
   * @return how many were taken
   */
  public int takeQueued(AckListener to) {
    checkThread();
    return outbound.takeQueued(to);
  }

  /** This vertex's name; the outbound edges (for {@link OrphanWatch}). */
  public String vertex() {
    return vertex;
  }

  OutboundEdges outbound() {
    return outbound;
  }

  /** For tests and logs: where this edge is served. */
  public SocketAddress address(String host) {
    return SocketAddress.inetSocketAddress(port(), host);
  }
}
