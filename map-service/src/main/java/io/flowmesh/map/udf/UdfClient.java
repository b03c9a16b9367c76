package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.ServerInfoReader;
import io.flowmesh.runtime.udf.StallWatch;
import io.flowmesh.runtime.udf.UdfAddress;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The map vertex's client of its UDF (Numaflow {@code map.v1}, over gRPC).
 *
 * <p>In unary mode ({@link #map}) every element travels as one request on one long-lived
 * {@code MapFn} stream and is answered out of order; in stream mode (also {@link #map}) the
 * same, but each element is answered by 0..n responses and then an EOT of its own; in batch mode ({@link #mapBatch}) each
 * batch has its own stream, and several batches may be in flight. Each element gets
 * exactly one callback on the {@link UdfListener}.
 *
 * <p><b>Failures.</b> An attempt unanswered for {@code udf.timeout}, a stream the UDF ends
 * with an error status, or a protocol violation costs every element concerned one
 * attempt; it is resent under a new id after an exponential, jittered backoff, and once
 * {@code udf.retry.max-attempts} attempts failed {@code udf.on-failure} decides. A broken
 * or closed stream (the UDF unreachable, restarted, or closing it) costs nothing: the
 * client reconnects with backoff, redoes the handshake, and resends what was in flight.
 * Work in flight with no response for {@code udf.stall-timeout} makes {@link #stalled()}
 * true and restarts the stream.
 *
 * <p>The client owns the lifecycle (server-info file, mode, start, sweep, close) and the
 * health; its {@link Dispatcher} (one per mode) owns the streams; {@link Outcomes} tells the
 * listener each element's one outcome.
 *
 * <h2>Concurrency</h2>
 * One instance per map verticle, created on that verticle's event-loop context and used
 * only there. All state is in plain fields; every public method checks the calling
 * thread and throws {@link IllegalStateException} from any other. Listener callbacks run
 * on the same event loop.
 */
public final class UdfClient {

  private static final Logger LOG = LoggerFactory.getLogger(UdfClient.class);
  /** Timed-out ids remembered to recognise their late responses. */
  static final int RETIRED_CAPACITY = 65_536;

  private final Vertx vertx;
  private final Context context;
  private final Thread eventLoop;
  private final UdfConfig config;
  private final UdfAddress address;
  private final boolean coalesce;
  private final UdfStats stats = new UdfStats();
  private final InFlight inFlight = new InFlight(RETIRED_CAPACITY);
  private final MapFrames frames = new MapFrames();
  private final UdfChannel channel;
  private final UdfStream.Spec<MapAnswer> mapFn;
  private final Backoff reconnectBackoff;
  private final StallWatch stallWatch;
  private final UdfHealth health;
  private final Outcomes outcomes;
  private Dispatcher dispatcher;
  private UdfMode mode;
  private long sweepTimer = -1;
  private boolean startCalled;
  private boolean closed;

  /**
   * A client for {@code config}; call {@link #start()} before sending.
   *
   * @throws IllegalArgumentException listing every bad config field
   * @throws IllegalStateException when not called on an event-loop context
   */
  public UdfClient(Vertx vertx, UdfConfig config, UdfListener listener) {
    this(vertx, config, listener, true);
  }

  /** As the public constructor; {@code coalesce = false} writes one message per flush (for measurements). */
  UdfClient(Vertx vertx, UdfConfig config, UdfListener listener, boolean coalesce) {
    Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext() || !Context.isOnEventLoopThread()) {
      throw new IllegalStateException("UdfClient must be created on its verticle's event-loop context");
    }
    List<String> problems = UdfConfig.validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid UDF config: " + String.join("; ", problems));
    }
    this.vertx = vertx;
    this.context = ctx;
    this.eventLoop = Thread.currentThread();
    this.config = config;
    this.address = config.connection().parsedAddress();
    this.coalesce = coalesce;
    this.channel = new UdfChannel(vertx, config.connection(), UdfService.MAP);
    this.mapFn = MapFnStream.spec(channel);
    this.reconnectBackoff = new Backoff(config.connection().reconnectInitialBackoff(), config.connection().reconnectMaxBackoff());
    this.health = new UdfHealth("UDF", "map.v1", address, "udf.address");
    this.stallWatch = new StallWatch(health, config.connection().stallTimeout());
    this.stats.stallWatch = stallWatch;
    this.outcomes = new Outcomes(ctx, config, listener, stats, inFlight, stallWatch, health);
  }

  /**
   * Reads the server-info file if one is configured (its {@code MAP_MODE} chooses the mode
   * unless {@code map.mode} was set to another one: then that mismatch is the client's
   * {@link #problem()} and the returned future never completes), then opens the first
   * stream. Completes once the UDF answered a handshake; until then it keeps reconnecting
   * with backoff. Fails only if the server-info file is missing, incomplete or malformed.
   */
  public Future<Void> start() {
    checkThread();
    if (startCalled) {
      throw new IllegalStateException("UdfClient.start() may be called once");
    }
    startCalled = true;
    Future<UdfMode> chosen = config.connection().serverInfoFile() == null
        ? Future.succeededFuture(config.mode())
        : ServerInfoReader.read(vertx, config.connection().serverInfoFile(), config.connection().serverInfoTimeout()).map(info -> ModeCheck.modeFrom(info, config, health));
    return chosen.compose(m -> {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("UdfClient closed while starting"));
      }
      if (health.misconfiguration() != null) {
        return Future.<Void>future(p -> { }); // not started: nothing could be answered correctly
      }
      mode = m;
      dispatcher = Dispatcher.forMode(m, this);
      sweepTimer = vertx.setPeriodic(config.sweepPeriodMillis(), id -> sweep());
      LOG.info("UDF client starting: address={} mode={} transport={}", address, m.mapMode(),
          vertx.isNativeTransportEnabled() ? "native" : "nio");
      return dispatcher.start();
    });
  }

  /** The mode in use; known once {@link #start()} has read the server-info file, else null. */
  public UdfMode mode() {
    checkThread();
    return mode;
  }

  /** Sends one element (unary or stream mode). The listener hears about it exactly once. */
  public void map(UdfElement element) {
    map(element, System.nanoTime());
  }

  /**
   * As {@link #map(UdfElement)}, sent at {@code now} ({@link System#nanoTime()} as the caller read
   * it): a caller that sends many elements in one turn reads the clock once for all of them.
   */
  public void map(UdfElement element, long now) {
    checkThread();
    requireMode(false, "map()");
    Pending p = accept(element, now);
    if (p != null) {
      dispatcher.submit(p, now);
    }
  }

  /**
   * Sends one batch on its own {@code MapFn} stream (batch mode): its requests and an EOT;
   * the UDF answers each and then an EOT. Several batches may be in flight at once.
   */
  public void mapBatch(List<? extends UdfElement> batch) {
    checkThread();
    requireMode(true, "mapBatch()");
    long now = System.nanoTime();
    List<Pending> accepted = new ArrayList<>(batch.size());
    for (UdfElement e : batch) {
      Pending p = accept(e, now);
      if (p != null) {
        accepted.add(p);
      }
    }
    if (!accepted.isEmpty()) {
      dispatcher.submitBatch(accepted);
    }
  }

  /** Calls the UDF's {@code IsReady}; fails if it cannot be reached or answers nonsense. */
  public Future<Boolean> isReady() {
    checkThread();
    return channel.isReady();
  }

  /**
   * What keeps the UDF from working, in one line naming the address, or null: it is
   * unreachable ("UDF at tcp://… unreachable: connection refused"), or it speaks another map
   * mode than {@code map.mode} ("UDF at … speaks batch-map but map.mode=unary-map; set
   * map.mode=batch-map (…)"). A mismatch stays until the service restarts; the client then
   * sends nothing more and keeps what it holds for {@link #close()}.
   */
  public String problem() {
    checkThread();
    return health.problem();
  }

  /** "UDF at {address} unreachable: {short cause}" for a failed call such as {@link #isReady()}. */
  public String unreachable(Throwable cause) {
    return health.unreachableLine(cause);
  }

  /** True while the UDF holds in-flight work without answering for {@code udf.stall-timeout}. */
  public boolean stalled() {
    checkThread();
    return stallWatch.stalled();
  }

  /** Elements handed over and not yet reported to the listener. */
  public int inFlight() {
    checkThread();
    return outcomes.elements();
  }

  /** The counters. */
  public UdfStats stats() {
    return stats;
  }

  /**
   * Stops the client: every element still in flight is reported through
   * {@link UdfListener#onFailure} with {@link UdfFailure.Reason#CLOSED}, the streams are ended,
   * and the connection is shut down.
   */
  public Future<Void> close() {
    checkThread();
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    outcomes.close();
    if (sweepTimer != -1) {
      vertx.cancelTimer(sweepTimer);
    }
    if (dispatcher != null) {
      List<Pending> unfinished = new ArrayList<>();
      dispatcher.close(unfinished);
      for (Pending p : unfinished) {
        inFlight.remove(p);
        outcomes.giveUp(p, new UdfFailure(UdfFailure.Reason.CLOSED, p.failedAttempts, "UDF client closed"));
      }
    }
    LOG.info("UDF client closed: address={} stats={}", address, stats);
    return channel.close();
  }

  // ---- for the dispatchers ----

  UdfConfig config() {
    return config;
  }

  UdfAddress address() {
    return address;
  }

  InFlight inFlightTable() {
    return inFlight;
  }

  /** Where the dispatchers report each element's results or failed attempts. */
  Outcomes outcomes() {
    return outcomes;
  }

  Backoff reconnectBackoff() {
    return reconnectBackoff;
  }

  MapFnStream newStream(MapFnStream.Events events) {
    return new MapFnStream(channel, mapFn, context, frames, coalesce, events);
  }

  /** A stream could not be opened, or its handshake was not answered. */
  void udfUnreachable(String cause) {
    health.unreachable(cause);
  }

  /** The UDF answered a handshake. */
  void udfReachable() {
    health.reachable();
  }

  /** The UDF was seen to speak {@code udfMode}, not the mode in use; {@code evidence} says how. */
  void modeMismatch(UdfMode udfMode, String evidence) {
    ModeCheck.mismatch(health, udfMode, mode, evidence);
  }

  /** How long a first exchange may stay without the answer its mode expects before its shape is checked. */
  long modeCheckNanos() {
    return config.modeCheckNanos();
  }

  /** True if the mode in use is the one the UDF's server-info file declared. */
  boolean modeDeclared() {
    return config.connection().serverInfoFile() != null;
  }

  /** Counts and logs, once, a protocol violation by the UDF. */
  void protocolViolation(String detail, int affected) {
    stats.protocolViolations++;
    health.violation(detail);
    LOG.warn("UDF protocol violation ({}); cancelling the stream and resending its elements: address={} detail={} inFlight={}",
        mode == null ? "map" : mode.mapMode(), address, detail, affected);
  }

  private Pending accept(UdfElement element, long now) {
    if (closed) {
      throw new IllegalStateException("UdfClient is closed");
    }
    return outcomes.accept(element, now);
  }

  private void sweep() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    try {
      dispatcher.sweep(now);
      if (health.misconfiguration() == null) {
        stallWatch.check(now, outcomes.elements(), "element", dispatcher);
      }
    } catch (RuntimeException e) {
      LOG.error("UDF client sweep failed: address={}", address, e);
    }
  }

  private void requireMode(boolean batch, String method) {
    if (dispatcher == null) {
      throw new IllegalStateException("UdfClient." + method + " before start() completed");
    }
    if ((mode == UdfMode.BATCH) != batch) {
      throw new IllegalStateException("UdfClient." + method + " is for " + (batch ? "batch-map" : "unary-map or stream-map")
          + " but the UDF runs " + mode.mapMode());
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != eventLoop) {
      throw new IllegalStateException("UdfClient is confined to its verticle's event loop ("
          + eventLoop.getName() + ") but was called from " + Thread.currentThread().getName());
    }
  }
}
