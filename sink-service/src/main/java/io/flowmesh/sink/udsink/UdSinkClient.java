package io.flowmesh.sink.udsink;

import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.ServerInfoReader;
import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sink.v1.Sink/SinkFn} stream to one user-defined sink: sends a batch of
 * {@code SinkRequest}s closed by {@code status{eot}}, and gathers one result per id up to the
 * server's {@code eot}. One batch is outstanding at a time; the others queue. A protocol fault
 * (no handshake answer, a result for an id not in the batch or twice, {@code eot} before every
 * id was answered, undecodable bytes, a batch unanswered for the stall timeout) is counted, logged
 * once, fails that batch and restarts the stream; a broken stream is reopened with backoff when
 * the next batch comes.
 *
 * <h2>Concurrency</h2>
 * Confined to its own event-loop context; {@link #call} may be called from any thread and
 * completes on that context.
 */
final class UdSinkClient implements UdfStream.Events<SinkResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(UdSinkClient.class);

  /** A protocol fault of the user-defined sink; its message names udsink and the fault. */
  static final class ProtocolFault extends RuntimeException {
    ProtocolFault(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final UdfConnection connection;
  private final String role;
  private final UdSinkOutcomes outcomes;
  private final Backoff backoff;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final SinkFrames frames = new SinkFrames();
  /** Id to position in the outstanding batch, filled only once a server answers out of order; reused. */
  private final HashMap<String, Integer> index = new HashMap<>();
  private boolean indexed;
  private UdfChannel channel;
  private UdfStream.Spec<SinkResponse> spec;
  private UdfStream<SinkResponse> stream;
  private Call current;
  private int failedOpens;
  private boolean opening;
  private boolean closed;
  private long stallTimer = -1;

  /** One batch: its results by position in the batch. */
  private static final class Call {
    final List<EdgeMessage> batch;
    final SinkResponse.Result[] results;
    final Promise<SinkResponse.Result[]> promise = Promise.promise();
    int answered;
    /** The position the next result most likely answers: servers answer in the order sent. */
    int next;

    Call(List<EdgeMessage> batch) {
      this.batch = batch;
      this.results = new SinkResponse.Result[batch.size()];
    }
  }

  UdSinkClient(Vertx vertx, UdfConnection connection, String role, UdSinkOutcomes outcomes) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.connection = connection;
    this.role = role;
    this.outcomes = outcomes;
    this.backoff = new Backoff(connection.reconnectInitialBackoff(), connection.reconnectMaxBackoff());
  }

  /** Reads the server-info file when one is configured, and makes the channel; the stream opens with the first batch. */
  Future<Void> start() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      Future<?> info = connection.serverInfoFile() == null ? Future.succeededFuture()
          : ServerInfoReader.read(vertx, connection.serverInfoFile(), connection.serverInfoTimeout());
      info.onComplete(ar -> {
        if (ar.failed()) {
          p.fail(ar.cause());
          return;
        }
        channel = new UdfChannel(vertx, connection, UdfService.SINK);
        spec = UdfStream.Spec.protobuf(channel.method("SinkFn"), SinkFrames.HANDSHAKE, SinkResponse.parser(),
            r -> r.hasHandshake() && r.getHandshake().getSot(), "SinkResponse");
        p.complete();
      });
    });
    return p.future();
  }

  String address() {
    return connection.address();
  }

  /**
   * Sends {@code batch} (ids unique); completes, on this client's context, with the result of every
   * message by its position in {@code batch}, or a failure.
   */
  Future<SinkResponse.Result[]> call(List<EdgeMessage> batch) {
    Call c = new Call(batch);
    context.runOnContext(v -> {
      if (closed) {
        c.promise.fail(new IllegalStateException("udsink " + connection.address() + " is closed"));
        return;
      }
      queue.add(c);
      next();
    });
    return c.promise.future();
  }

  private void next() {
    if (current != null || queue.isEmpty()) {
      return;
    }
    if (stream == null || !stream.isOpen()) {
      if (!opening) {
        opening = true;
        long delay = failedOpens == 0 ? 0 : backoff.delayNanos(failedOpens) / 1_000_000;
        if (delay <= 0) {
          openStream();
        } else {
          vertx.setTimer(delay, id -> openStream());
        }
      }
      return;
    }
    current = queue.poll();
    index.clear();
    indexed = false;
    Buffer out = stream.queue();
    List<EdgeMessage> batch = current.batch;
    for (int i = 0, n = batch.size(); i < n; i++) {
      frames.appendRequest(out, batch.get(i));
    }
    out.appendBytes(SinkFrames.EOT);
    stream.commit();
    armStall();
  }

  /** The position in {@code c}'s batch that {@code id} answers, or -1 when no message of the batch has it. */
  private int positionOf(Call c, String id) {
    List<EdgeMessage> batch = c.batch;
    if (c.next < batch.size() && batch.get(c.next).getId().equals(id)) {
      return c.next++;
    }
    if (!indexed) {
      indexed = true;
      for (int i = batch.size() - 1; i >= 0; i--) {
        index.put(batch.get(i).getId(), i);
      }
    }
    Integer at = index.get(id);
    return at == null ? -1 : at;
  }

  private void openStream() {
    if (closed) {
      return;
    }
    stream = new UdfStream<>(channel, spec, context, true, this);
    stream.open();
  }

  private void armStall() {
    cancelStall();
    stallTimer = vertx.setTimer(Math.max(1, connection.stallTimeout().toMillis()), id -> {
      stallTimer = -1;
      if (current != null && stream != null) {
        stream.fail("no answer to a batch of " + current.batch.size() + " within " + connection.stallTimeout()
            + " (" + current.answered + " results so far)");
      }
    });
  }

  private void cancelStall() {
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }

  @Override
  public void onOpen(UdfStream<SinkResponse> s) {
    opening = false;
    if (failedOpens > 0) {
      LOG.info("udsink reconnected role={} address={}", role, connection.address());
    }
    failedOpens = 0;
    next();
  }

  @Override
  public void onResponse(UdfStream<SinkResponse> s, SinkResponse r) {
    Call c = current;
    if (c == null) {
      s.fail("a response while no batch was outstanding");
      return;
    }
    for (int i = 0, n = r.getResultsCount(); i < n; i++) {
      SinkResponse.Result result = r.getResults(i);
      int at = positionOf(c, result.getId());
      if (at < 0) {
        s.fail("a result for unknown id '" + result.getId() + "' (not in the batch of " + c.batch.size() + ")");
        return;
      }
      if (c.results[at] != null) {
        s.fail("a second result for id '" + result.getId() + "'");
        return;
      }
      c.results[at] = result;
      c.answered++;
    }
    if (r.hasStatus() && r.getStatus().getEot()) {
      if (c.answered < c.batch.size()) {
        s.fail("fewer results than requests: eot after " + c.answered + " of " + c.batch.size());
        return;
      }
      cancelStall();
      current = null;
      c.promise.complete(c.results);
      next();
    } else {
      armStall();
    }
  }

  @Override
  public void onEnd(UdfStream<SinkResponse> s, StreamEnd end) {
    cancelStall();
    stream = null;
    boolean wasOpening = opening;
    opening = false;
    failedOpens++;
    String what;
    if (end.kind() == StreamEnd.Kind.VIOLATION) {
      outcomes.protocolError();
      what = "protocol error: " + end.detail();
      LOG.error("udsink protocol error role={} address={} fault={} (batch failed, stream restarted)", role,
          connection.address(), end.detail());
    } else {
      what = end.toString();
      if (failedOpens == 1 || failedOpens % 50 == 0) {
        LOG.warn("udsink stream ended role={} address={} {} ({}; reconnecting with backoff)", role, connection.address(), end,
            wasOpening ? "while opening" : "batch retried");
      }
    }
    RuntimeException cause = end.kind() == StreamEnd.Kind.VIOLATION
        ? new ProtocolFault("udsink " + connection.address() + " " + what)
        : new IllegalStateException("udsink " + connection.address() + " " + what);
    Call c = current;
    current = null;
    if (c != null) {
      c.promise.fail(cause);
    } else if (wasOpening) {
      // Nothing was sent yet: the queued batches wait for the next attempt, unless the sink is unreachable for good.
      Call head = queue.poll();
      if (head != null) {
        head.promise.fail(cause);
      }
    }
    next();
  }

  Future<Void> close() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      cancelStall();
      if (stream != null) {
        stream.finish();
      }
      IllegalStateException gone = new IllegalStateException("udsink " + connection.address() + " is closed");
      if (current != null) {
        current.promise.tryFail(gone);
      }
      queue.forEach(c -> c.promise.tryFail(gone));
      queue.clear();
      (channel == null ? Future.<Void>succeededFuture() : channel.close()).onComplete(ar -> p.complete());
    });
    return p.future();
  }
}
