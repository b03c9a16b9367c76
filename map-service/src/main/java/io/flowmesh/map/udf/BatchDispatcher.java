package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch map: each batch travels on its own {@code MapFn} stream (handshake, N requests,
 * EOT; N responses, EOT), several at once. A batch whose stream fails is sent again, on a
 * new stream, with only its unanswered elements.
 *
 * <p>A batch-map server follows its last answer with an EOT at once. Until one EOT was seen,
 * a batch answered id by id with no EOT within {@link UdfClient#modeCheckNanos()} means a
 * unary UDF: that mismatch is reported and the dispatcher halts (opens no more streams; what
 * waits stays for {@link #close}).
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class BatchDispatcher implements Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(BatchDispatcher.class);

  private final UdfClient client;
  private final InFlight inFlight;
  private final UdfStats stats;
  private final long timeoutNanos;
  /** Calls whose stream is open or opening. */
  private final ArrayList<BatchCall> active = new ArrayList<>();
  /** Calls waiting for a retry or reconnect backoff. */
  private final ArrayList<BatchCall> waiting = new ArrayList<>();
  private final ArrayList<Pending> scratch = new ArrayList<>();
  private final StartProbe probe;
  private long reconnectAtNanos;
  private int consecutiveFailures;
  private boolean closed;
  /** True once the UDF closed a batch with an EOT: its mode is then not in doubt. */
  private boolean eotSeen;
  /** A mode mismatch was found: nothing more is sent. */
  private boolean halted;

  BatchDispatcher(UdfClient client) {
    this.client = client;
    this.inFlight = client.inFlightTable();
    this.stats = client.stats();
    this.timeoutNanos = client.config().connection().timeout().toNanos();
    this.probe = new StartProbe(client, this);
  }

  @Override
  public Future<Void> start() {
    return probe.start(System.nanoTime());
  }

  @Override
  public void submit(Pending element, long now) {
    throw new IllegalStateException("single elements need mode unary-map");
  }

  @Override
  public void submitBatch(List<Pending> batch) {
    BatchCall call = new BatchCall(this, batch, false);
    long now = System.nanoTime();
    if (halted) {
      waiting.add(call);
    } else if (consecutiveFailures > 0 && now - reconnectAtNanos < 0) {
      call.dueNanos = reconnectAtNanos;
      waiting.add(call);
    } else {
      open(call, now);
    }
  }

  private void open(BatchCall call, long now) {
    if (call.afterFailure) {
      stats.reconnects++;
    }
    call.startedNanos = now;
    call.stream = client.newStream(call);
    active.add(call);
    call.stream.open();
  }

  void onOpen(BatchCall call) {
    long now = System.nanoTime();
    client.udfReachable();
    for (Pending p : call.elements) {
      long id = inFlight.issue(p, call, now);
      call.stream.send(id, p.element);
    }
    call.stream.sendEot();
    call.sent = true;
    stats.requestsSent += call.elements.size();
  }

  void onResponse(BatchCall call, MapAnswer response) {
    long id = response.id;
    if (response.hasId()) {
      Pending p = inFlight.get(id);
      if (p != null && p.carrier == call) {
        long now = System.nanoTime();
        if (--call.unanswered == 0) {
          call.answeredAllNanos = now;
        }
        consecutiveFailures = 0;
        client.outcomes().deliver(p, response, now);
      } else if (inFlight.takeRetired(id)) {
        stats.lateResponses++;
      } else {
        call.stream.fail(p != null ? "a response for id=" + id + ", which belongs to another batch"
            : inFlight.wasIssued(id) ? "a second response for id=" + id + ", which was already answered"
            : "a response for id=" + response.idText() + ", which was never issued");
      }
    } else if (response.isEot()) {
      eotSeen = true;
      if (call.unanswered > 0) {
        call.stream.fail("EOT with " + call.unanswered + " of " + call.elements.size() + " ids unanswered");
      } else {
        active.remove(call);
        call.stream.finish();
      }
    } else {
      call.stream.fail("a response with neither id nor EOT: {" + response.describe() + "}");
    }
  }

  void onEnd(BatchCall call, StreamEnd ended) {
    active.remove(call);
    long now = System.nanoTime();
    StreamEnd end = ended;
    if (ended.kind() == StreamEnd.Kind.STATUS && ended.grpcStatus() == 0 && call.sent && call.unanswered > 0) {
      end = StreamEnd.violation("the stream ended before EOT with " + call.unanswered + " of "
          + call.elements.size() + " ids unanswered");
    }
    if (end.kind() == StreamEnd.Kind.VIOLATION) {
      client.protocolViolation(end.detail(), call.unanswered);
    } else if (end.isUdfError()) {
      stats.udfErrors++;
    }
    if (call.unanswered == 0 || closed) {
      return;
    }
    List<Pending> left = unanswered(call);
    if (end.kind() == StreamEnd.Kind.VIOLATION || end.isUdfError()) {
      UdfFailure.Reason reason = end.isUdfError() ? UdfFailure.Reason.UDF_ERROR : UdfFailure.Reason.PROTOCOL_VIOLATION;
      retry(left, reason, end.toString(), now);
      if (end.isUdfError()) {
        LOG.warn("UDF failed a batch stream; its elements lose an attempt: address={} cause={} inFlight={}",
            client.address(), end, left.size());
      }
    } else if (!call.sent && end.kind() == StreamEnd.Kind.TRANSPORT) {
      requeue(left, transportFailed(now));
      client.udfUnreachable(end.detail());
    } else {
      long due = transportFailed(now);
      requeue(left, due);
      LOG.warn("UDF batch stream ended; resending its unanswered elements: address={} cause={} inFlight={} reconnectInMs={}",
          client.address(), end, left.size(), Math.max(0, (due - now) / 1_000_000));
    }
  }

  /** Notes a transport failure; returns when to try again. Failures in one backoff window count once. */
  long transportFailed(long now) {
    if (now - reconnectAtNanos >= 0) {
      consecutiveFailures++;
      reconnectAtNanos = now + client.reconnectBackoff().delayNanos(consecutiveFailures);
    }
    return reconnectAtNanos;
  }

  /** The UDF answered a handshake: the reconnect backoff starts over. */
  void transportRecovered() {
    consecutiveFailures = 0;
  }

  private List<Pending> unanswered(BatchCall call) {
    List<Pending> left = new ArrayList<>(call.unanswered);
    for (Pending p : call.elements) {
      if (!p.completed) {
        inFlight.remove(p);
        left.add(p);
      }
    }
    return left;
  }

  private void retry(List<Pending> left, UdfFailure.Reason reason, String detail, long now) {
    List<Pending> again = new ArrayList<>(left.size());
    long due = now;
    for (Pending p : left) {
      if (client.outcomes().failAttempt(p, reason, detail, now)) {
        again.add(p);
        due = p.dueNanos - due > 0 ? p.dueNanos : due;
      }
    }
    if (!again.isEmpty()) {
      requeue(again, due);
    }
  }

  private void requeue(List<Pending> left, long due) {
    BatchCall call = new BatchCall(this, left, true);
    call.dueNanos = due;
    waiting.add(call);
  }

  @Override
  public void sweep(long now) {
    if (closed || halted) {
      return;
    }
    probe.sweep(now, reconnectAtNanos);
    expire(now);
    for (int i = active.size() - 1; i >= 0; i--) {
      if (i >= active.size()) {
        continue;
      }
      BatchCall call = active.get(i);
      if (!call.sent && now - call.startedNanos >= timeoutNanos) {
        active.remove(i);
        call.stream.cancel();
        requeue(unanswered(call), transportFailed(now));
        client.udfUnreachable("no handshake response within " + client.config().connection().timeout());
      } else if (!eotSeen && call.sent && call.unanswered == 0 && now - call.answeredAllNanos >= client.modeCheckNanos()) {
        client.modeMismatch(UdfMode.UNARY, "a batch of " + call.elements.size() + " was answered id by id but no EOT followed in "
            + (now - call.answeredAllNanos) / 1_000_000 + " ms");
        halted = true;
        active.remove(i);
        call.stream.cancel();
        return;
      } else if (call.sent && call.unanswered == 0 && now - call.answeredAllNanos >= timeoutNanos) {
        call.stream.fail("all " + call.elements.size() + " ids answered but no EOT within " + client.config().connection().timeout());
      }
    }
    for (int i = 0; i < waiting.size(); ) {
      BatchCall call = waiting.get(i);
      if (now - call.dueNanos >= 0) {
        waiting.set(i, waiting.get(waiting.size() - 1));
        waiting.remove(waiting.size() - 1);
        open(call, now);
      } else {
        i++;
      }
    }
  }

  private void expire(long now) {
    scratch.clear();
    inFlight.collectSentBefore(now - timeoutNanos, scratch);
    for (Pending p : scratch) {
      if (p.carrier instanceof BatchCall call && active.remove(call)) {
        call.stream.cancel();
        stats.timeouts += call.unanswered;
        LOG.warn("UDF batch timed out; retrying or failing its elements: address={} unanswered={} timeout={}",
            client.address(), call.unanswered, client.config().connection().timeout());
        for (Pending q : call.elements) {
          if (!q.completed) {
            inFlight.retire(q);
          }
        }
        List<Pending> left = unanswered(call);
        retry(left, UdfFailure.Reason.TIMEOUT, "no response within " + client.config().connection().timeout(), now);
      }
    }
    scratch.clear();
  }

  @Override
  public void restart(String reason, long now) {
    for (int i = active.size() - 1; i >= 0; i--) {
      BatchCall call = active.get(i);
      if (call.unanswered > 0) {
        active.remove(i);
        call.stream.cancel();
        requeue(unanswered(call), now);
      }
    }
  }

  @Override
  public void close(List<Pending> unfinished) {
    closed = true;
    probe.close();
    for (BatchCall call : active) {
      call.stream.finish();
      unfinished.addAll(unanswered(call));
    }
    for (BatchCall call : waiting) {
      unfinished.addAll(call.elements);
    }
    active.clear();
    waiting.clear();
  }
}
