package io.flowmesh.sink.udsink;

import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.sink.writer.OutBuffer;
import io.flowmesh.sink.writer.SinkWriter;
import io.flowmesh.sink.writer.Writes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sink.type=udsink}: writes through a user-defined sink (Numaflow {@code sink.v1}) and acts
 * on each message's answer. SUCCESS: written. FAILURE (and NACK, which Flowmesh does not support
 * and treats as FAILURE, counted): resent, that subset only, with backoff, up to
 * {@code sink.retry.attempts} sends; what still fails is reported failed, for
 * {@code sink.on-failure}. FALLBACK: written to the fallback sink, and only done once that write
 * is. ON_SUCCESS: also written to the on-success sink (the message the sink gave, or the original).
 * SERVE: not supported yet, counted and taken as written. A failed call (protocol fault, broken
 * stream) fails the whole batch, which the sink verticle nacks and so retries.
 *
 * <h2>Concurrency</h2>
 * Shared by the verticle instances; each {@link #send} keeps its state in its own {@code Attempt}
 * and completes on the caller's context; the stream is the client's, on its own context.
 */
public final class UdSinkWriter implements SinkWriter {

  private static final Logger LOG = LoggerFactory.getLogger(UdSinkWriter.class);

  private final UdSinkClient client;
  private final Vertx vertx;
  private final SinkWriter fallback;
  private final SinkWriter onSuccess;
  private final int attempts;
  private final Backoff retryBackoff;
  private final UdSinkOutcomes outcomes;
  private volatile String lastError;
  private volatile boolean toldNack;
  private volatile boolean toldServe;

  private UdSinkWriter(Vertx vertx, UdSinkClient client, SinkWriter fallback, SinkWriter onSuccess, int attempts,
      Duration retryInitial, Duration retryMax, UdSinkOutcomes outcomes) {
    this.vertx = vertx;
    this.client = client;
    this.fallback = fallback;
    this.onSuccess = onSuccess;
    this.attempts = attempts;
    this.retryBackoff = new Backoff(retryInitial, retryMax);
    this.outcomes = outcomes;
  }

  /**
   * @param fallback where FALLBACK answers go, or null (then they count as failed)
   * @param onSuccess where ON_SUCCESS answers go, or null (then they count as written only)
   */
  public static Future<SinkWriter> open(Vertx vertx, UdfConnection connection, String role, SinkWriter fallback, SinkWriter onSuccess,
      int attempts, Duration retryInitial, Duration retryMax, UdSinkOutcomes outcomes) {
    UdSinkClient client = new UdSinkClient(vertx, connection, role, outcomes);
    return client.start().map(v -> new UdSinkWriter(vertx, client, fallback, onSuccess, attempts, retryInitial, retryMax, outcomes));
  }

  @Override
  public boolean sendsMessages() {
    return true;
  }

  @Override
  public Future<BitSet> send(List<Message> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BitSet());
    }
    Context caller = Vertx.currentContext();
    Attempt a = new Attempt(batch, caller == null ? vertx.getOrCreateContext() : caller);
    a.round(1, allIndexes(batch.size()));
    return a.done.future();
  }

  private static List<Integer> allIndexes(int n) {
    List<Integer> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }

  /** One batch's way through the sink: rounds of sends of what is still failing, then the fallback and on-success writes. */
  private final class Attempt {
    final List<Message> batch;
    final Context caller;
    final Promise<BitSet> done = Promise.promise();
    final BitSet failed = new BitSet();
    final List<Message> toFallback = new ArrayList<>();
    final List<Integer> fallbackAt = new ArrayList<>();
    final List<Message> toOnSuccess = new ArrayList<>();
    final List<Integer> onSuccessAt = new ArrayList<>();
    String error;

    Attempt(List<Message> batch, Context caller) {
      this.batch = batch;
      this.caller = caller;
    }

    void round(int n, List<Integer> which) {
      List<Message> subset = which.size() == batch.size() ? batch : new ArrayList<>(which.size());
      if (subset != batch) {
        which.forEach(i -> subset.add(batch.get(i)));
      }
      client.call(subset).onComplete(ar -> {
        if (ar.failed()) {
          lastError = ar.cause().getMessage();
          caller.runOnContext(v -> done.fail(ar.cause()));
          return;
        }
        SinkResponse.Result[] results = ar.result().results();
        List<Integer> retry = new ArrayList<>();
        int nacks = 0;
        int serves = 0;
        for (int k = 0; k < results.length; k++) {
          SinkResponse.Result r = results[k];
          int i = which.get(k);
          Status s = r.getStatus();
          switch (s) {
            case SUCCESS -> { }
            case FAILURE, NACK -> {
              retry.add(i);
              error = r.getErrMsg().isEmpty() ? "udsink answered " + s : "udsink answered " + s + ": " + r.getErrMsg();
              if (s == Status.NACK) {
                nacks++;
              }
            }
            case FALLBACK -> {
              toFallback.add(batch.get(i));
              fallbackAt.add(i);
            }
            case ON_SUCCESS -> {
              Message m = batch.get(i);
              if (r.hasOnSuccessMsg()) {
                m = m.toBuilder().setValue(r.getOnSuccessMsg().getValue()).clearKeys().addAllKeys(r.getOnSuccessMsg().getKeysList()).build();
              }
              toOnSuccess.add(m);
              onSuccessAt.add(i);
            }
            case SERVE -> serves++;
            default -> {
              retry.add(i);
              error = "udsink answered an unknown status " + r.getStatusValue() + " for id '" + r.getId() + "'";
            }
          }
        }
        if (!retry.isEmpty()) {
          outcomes.failed(retry.size());
        }
        unsupported(nacks, serves);
        if (!retry.isEmpty() && n < attempts) {
          vertx.setTimer(Math.max(1, retryBackoff.delayNanos(n) / 1_000_000), id -> round(n + 1, retry));
          return;
        }
        retry.forEach(failed::set);
        routeOn();
      });
    }

    void unsupported(int nacks, int serves) {
      if (nacks + serves == 0) {
        return;
      }
      outcomes.unsupported(nacks + serves);
      if (nacks > 0 && !toldNack) {
        toldNack = true;
        LOG.warn("udsink answered NACK, which Flowmesh does not support yet: treated as FAILURE (retried); counted in"
            + " flowmesh_sink_outcomes_total{outcome=unsupported}");
      }
      if (serves > 0 && !toldServe) {
        toldServe = true;
        LOG.warn("udsink answered SERVE, which Flowmesh does not support yet: the message is taken as written; counted in"
            + " flowmesh_sink_outcomes_total{outcome=unsupported}");
      }
    }

    /** Writes the FALLBACK and ON_SUCCESS subsets, then completes. */
    void routeOn() {
      caller.runOnContext(v -> {
        Future<Void> fb = forward(fallback, toFallback, fallbackAt, "fallback", "FALLBACK").onSuccess(x -> outcomes.fallback(toFallback.size()));
        Future<Void> ons = forward(onSuccess, toOnSuccess, onSuccessAt, "on-success", "ON_SUCCESS");
        Future.join(fb, ons).onComplete(x -> {
          if (!failed.isEmpty()) {
            lastError = error;
          }
          done.complete(failed);
        });
      });
    }

    /** Writes {@code list} with {@code to}; what it could not write is marked failed. */
    Future<Void> forward(SinkWriter to, List<Message> list, List<Integer> at, String name, String status) {
      if (list.isEmpty()) {
        return Future.succeededFuture();
      }
      if (to == null) {
        if (status.equals("ON_SUCCESS")) {
          return Future.succeededFuture();
        }
        at.forEach(failed::set);
        error = "udsink answered " + status + " but no " + name + " sink is configured (sink." + name + ".type)";
        return Future.failedFuture(error);
      }
      String[] why = new String[1];
      return Writes.send(to, list, why).compose(bad -> {
        bad.stream().forEach(k -> failed.set(at.get(k)));
        if (!bad.isEmpty()) {
          error = name + " sink " + to.describe() + " failed: " + why[0];
          return Future.failedFuture(error);
        }
        if (status.equals("ON_SUCCESS")) {
          outcomes.onSuccess(list.size());
        }
        return Future.succeededFuture();
      });
    }
  }

  @Override
  public void encode(Message m, OutBuffer out) {
    throw new UnsupportedOperationException("the udsink sends messages, not encoded bytes");
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return Future.failedFuture(new UnsupportedOperationException("the udsink sends messages, not encoded bytes"));
  }

  @Override
  public String lastError() {
    return lastError;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public String describe() {
    return "udsink " + client.address();
  }
}
