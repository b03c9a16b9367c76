package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Unary map: one long-lived {@code MapFn} stream carries every element as one request,
 * answered in any order. When the stream breaks or ends, a new one is opened after a
 * backoff and everything that was on the old one is resent, in the order first sent.
 *
 * <p>Until the UDF answered its first element, a silence of {@link UdfClient#modeCheckNanos()}
 * has a {@link ModeProbe} ask whether it speaks batch-map (which answers nothing before an
 * EOT). If so, that mismatch is reported and the dispatcher halts: the elements it holds go
 * back to waiting, uncharged, and no stream is opened again.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
class UnaryDispatcher implements Dispatcher, MapFnStream.Events {

  private static final Logger LOG = LoggerFactory.getLogger(UnaryDispatcher.class);

  /**
   * How long an attempt is on the wire before its element is {@linkplain UdfElement#detach detached}
   * from the frame its input arrived in. Inputs arrive in batches, up to ~64 in a frame, and each
   * input's bytes are slices of that frame, so one element the UDF keeps long keeps its
   * batch-mates' bytes alive too. With 2 KB messages and one call in 50 taking 2 s, the slow
   * elements would keep a few hundred 128 KB frames: the shipped 40 MB heap ran out within seconds
   * ({@code SlowCallsSmallHeapTest}); with 5 % of calls at 50 ms (scenario 3) 3.8 MB survived each
   * young collection (1.0 MB with this). Past this age, checked on every send and on the sweep, the
   * element's bytes are copied once instead (~0.6 KB for a 500-byte value); calls that end sooner,
   * nearly all of a fast UDF's, copy nothing, and a UDF slower than this on every call has every
   * input copied, small beside the call.
   */
  static final long DETACH_AFTER_NANOS = 5_000_000L;

  final UdfClient client;
  final InFlight inFlight;
  final UdfStats stats;
  private final long timeoutNanos;
  /** Elements waiting for an open stream. */
  private final ArrayDeque<Pending> ready = new ArrayDeque<>();
  /** Elements waiting for their retry backoff. */
  private final ArrayList<Pending> retrying = new ArrayList<>();
  private final ArrayList<Pending> scratch = new ArrayList<>();
  MapFnStream stream;
  private long connectedAtNanos;
  private boolean opened;
  private long reconnectAtNanos;
  int consecutiveFailures;
  private Promise<Void> started;
  private boolean closed;
  /** True once the UDF answered any element: its mode is then not in doubt. */
  boolean everAnswered;
  /** When the first request still unanswered by a UDF that never answered was sent; 0 for none. */
  private long silentSinceNanos;
  private ModeProbe probe;
  private boolean probed;
  /** A mode mismatch was found: nothing more is sent. */
  private boolean halted;

  UnaryDispatcher(UdfClient client) {
    this.client = client;
    this.inFlight = client.inFlightTable();
    this.stats = client.stats();
    this.timeoutNanos = client.config().connection().timeout().toNanos();
  }

  @Override
  public Future<Void> start() {
    started = Promise.promise();
    connect(System.nanoTime());
    return started.future();
  }

  @Override
  public void submit(Pending p, long now) {
    if (stream != null && stream.isOpen()) {
      send(p, now);
    } else {
      stats.detached += p.element.detach(); // it waits for a stream: for how long is unknown
      ready.addLast(p);
    }
  }

  @Override
  public void submitBatch(List<Pending> batch) {
    throw new IllegalStateException("batches need mode batch-map");
  }

  private void send(Pending p, long now) {
    long id = inFlight.issue(p, stream, now);
    stream.send(id, p.element);
    stats.requestsSent++;
    stats.detached += inFlight.detachSentBefore(now - DETACH_AFTER_NANOS);
    if (silentSinceNanos == 0 && !everAnswered) {
      silentSinceNanos = now;
    }
  }

  private void connect(long now) {
    connectedAtNanos = now;
    opened = false;
    stream = client.newStream(this);
    stream.open();
  }

  @Override
  public void onOpen(MapFnStream s) {
    long now = System.nanoTime();
    connectedAtNanos = now;
    opened = true;
    client.udfReachable();
    LOG.debug("UDF stream open: address={} resending={}", client.address(), ready.size());
    while (!ready.isEmpty() && s == stream && s.isOpen()) {
      send(ready.pollFirst(), now);
    }
    if (started != null) {
      Promise<Void> p = started;
      started = null;
      p.complete();
    }
  }

  @Override
  public void onResponse(MapFnStream s, MapAnswer response) {
    if (!response.hasId()) {
      s.fail("a response with neither id nor handshake: {" + response.describe() + "}");
      return;
    }
    long id = response.id;
    Pending p = inFlight.get(id);
    if (p == null || p.carrier != s) {
      if (inFlight.takeRetired(id)) {
        stats.lateResponses++;
        LOG.debug("Late UDF response ignored: id={}", id);
      } else if (inFlight.wasIssued(id)) {
        s.fail("a second response for id=" + id + ", which was already answered");
      } else {
        s.fail("a response for id=" + response.idText() + ", which was never issued");
      }
      return;
    }
    consecutiveFailures = 0;
    everAnswered = true;
    client.outcomes().deliver(p, response, s.receivedNanos());
  }

  @Override
  public void onEnd(MapFnStream s, StreamEnd end) {
    if (s == stream) {
      ended(end, System.nanoTime());
    }
  }

  /** The current stream is gone: requeue or charge its elements, and plan the reconnect. */
  private void ended(StreamEnd end, long now) {
    MapFnStream s = stream;
    stream = null;
    scratch.clear();
    inFlight.collectOn(s, scratch);
    int affected = scratch.size();
    if (end.kind() == StreamEnd.Kind.VIOLATION) {
      client.protocolViolation(end.detail(), affected);
    } else if (end.isUdfError()) {
      stats.udfErrors++;
    } else if (!opened) {
      client.udfUnreachable(end.detail());
    }
    boolean charged = end.kind() == StreamEnd.Kind.VIOLATION || end.isUdfError();
    UdfFailure.Reason reason = end.isUdfError() ? UdfFailure.Reason.UDF_ERROR : UdfFailure.Reason.PROTOCOL_VIOLATION;
    for (int i = affected - 1; i >= 0; i--) {
      Pending p = scratch.get(i);
      inFlight.remove(p);
      stats.detached += p.element.detach(); // it waits for a new stream or a retry
      if (!charged) {
        ready.addFirst(p);
      } else if (client.outcomes().failAttempt(p, reason, end.toString(), now)) {
        retrying.add(p);
      }
    }
    scratch.clear();
    if (closed) {
      return;
    }
    if (opened && now - connectedAtNanos >= client.config().connection().reconnectMaxBackoff().toNanos()) {
      consecutiveFailures = 0;
    }
    consecutiveFailures++;
    long delay = client.reconnectBackoff().delayNanos(consecutiveFailures);
    reconnectAtNanos = now + delay;
    if (!opened && end.kind() == StreamEnd.Kind.TRANSPORT) {
      client.udfUnreachable(end.detail());
    } else if (end.kind() != StreamEnd.Kind.VIOLATION) {
      String message = "UDF stream ended; reconnecting: address={} cause={} inFlight={} charged={} reconnectInMs={}";
      Object[] args = {client.address(), end, affected, charged, delay / 1_000_000};
      if (affected > 0 || end.isUdfError()) {
        LOG.warn(message, args);
      } else {
        LOG.info(message, args);
      }
    }
  }

  @Override
  public void sweep(long now) {
    if (closed || halted) {
      return;
    }
    checkMode(now);
    if (stream != null && !stream.isOpen() && now - connectedAtNanos >= timeoutNanos) {
      stream.cancel();
      ended(StreamEnd.transport(new java.util.concurrent.TimeoutException(
          "no handshake response within " + client.config().connection().timeout())), now);
    }
    expire(now);
    stats.detached += inFlight.detachSentBefore(now - DETACH_AFTER_NANOS);
    for (int i = 0; i < retrying.size(); ) {
      Pending p = retrying.get(i);
      if (now - p.dueNanos >= 0) {
        retrying.set(i, retrying.get(retrying.size() - 1));
        retrying.remove(retrying.size() - 1);
        submit(p, now);
      } else {
        i++;
      }
    }
    if (stream == null && now - reconnectAtNanos >= 0) {
      stats.reconnects++;
      connect(now);
    }
  }

  /** A UDF silent since its first request is asked, once, whether it speaks batch-map. */
  private void checkMode(long now) {
    if (probe != null) {
      probe.sweep(now);
    } else if (!probed && probesForBatchMode() && !everAnswered && silentSinceNanos != 0
        && now - silentSinceNanos >= client.modeCheckNanos()) {
      probed = true;
      long silentMillis = (now - silentSinceNanos) / 1_000_000;
      probe = new ModeProbe(client, batch -> {
        probe = null;
        if (batch && !everAnswered && !closed) {
          client.modeMismatch(UdfMode.BATCH, "no answer to a unary request in " + silentMillis
              + " ms, and a lone EOT was answered with an EOT");
          halt();
        }
      }, now);
    }
  }

  /**
   * Whether a UDF silent since its first request is probed for batch-map. The probe tells a unary
   * server from a batch-map one; a stream-map server answers the lone EOT with an EOT as a batch-map
   * server does, so in stream-map mode the probe would take a slow stream-map UDF for batch-map. Nor
   * is a UDF probed whose server-info file declared the mode in use (it said what it speaks).
   */
  boolean probesForBatchMode() {
    return !client.modeDeclared();
  }

  /** Stops sending: what is on the stream goes back to waiting, uncharged, for {@link #close}. */
  private void halt() {
    halted = true;
    MapFnStream s = stream;
    stream = null;
    if (s == null) {
      return;
    }
    s.cancel();
    scratch.clear();
    inFlight.collectOn(s, scratch);
    for (int i = scratch.size() - 1; i >= 0; i--) {
      Pending p = scratch.get(i);
      inFlight.remove(p);
      ready.addFirst(p);
    }
    scratch.clear();
  }

  private void expire(long now) {
    scratch.clear();
    inFlight.collectSentBefore(now - timeoutNanos, scratch);
    if (scratch.isEmpty()) {
      return;
    }
    int expired = scratch.size();
    stats.timeouts += expired;
    String detail = "no response within " + client.config().connection().timeout();
    for (Pending p : scratch) {
      inFlight.retire(p);
      stats.detached += p.element.detach();
      if (client.outcomes().failAttempt(p, UdfFailure.Reason.TIMEOUT, detail, now)) {
        retrying.add(p);
      }
    }
    scratch.clear();
    LOG.warn("UDF requests timed out; retrying or failing them: address={} timedOut={} timeout={}",
        client.address(), expired, client.config().connection().timeout());
    afterTimeouts(now);
  }

  /** Called after attempts timed out and were retired; unary needs nothing more. */
  void afterTimeouts(long now) {
  }

  @Override
  public void restart(String reason, long now) {
    if (stream == null || halted) {
      return;
    }
    stream.cancel();
    ended(StreamEnd.transport(new IllegalStateException("restarted: " + reason)), now);
    reconnectAtNanos = now;
  }

  @Override
  public void close(List<Pending> unfinished) {
    closed = true;
    if (stream != null) {
      stream.finish();
    }
    if (probe != null) {
      probe.close();
    }
    inFlight.collectAll(unfinished);
    unfinished.addAll(ready);
    unfinished.addAll(retrying);
    ready.clear();
    retrying.clear();
    if (started != null) {
      started.tryFail(new IllegalStateException("UdfClient closed before the UDF answered a handshake"));
      started = null;
    }
  }
}
