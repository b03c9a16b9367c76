package io.flowmesh.sink.udsink;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.proto.udf.sink.v1.Status;
import io.flowmesh.runtime.edge.EdgeMessage;
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
import java.util.Arrays;
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
 * SERVE: written, counted; its {@code serve_response} is the answer to a serving request (see
 * docs/serving.md), sent home on the message's ack. A failed call (protocol fault, broken
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
  public Future<BitSet> send(List<EdgeMessage> batch) {
    return send(batch, null);
  }

  @Override
  public Future<BitSet> send(List<EdgeMessage> batch, ByteString[] served) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BitSet());
    }
    Context caller = Vertx.currentContext();
    Attempt a = new Attempt(batch, caller == null ? vertx.getOrCreateContext() : caller, served);
    a.round(1, null);
    return a.done.future();
  }

  /**
   * One batch's way through the sink: rounds of sends of what is still failing, then the fallback
   * and on-success writes. Positions are indexes into the batch; per-message state is made only
   * for the messages that need it (resent, falling back, copied on success).
   */
  private final class Attempt {
    final List<EdgeMessage> batch;
    final Context caller;
    final Promise<BitSet> done = Promise.promise();
    final BitSet failed = new BitSet();
    /** Positions answered FALLBACK, or null. */
    BitSet toFallback;
    /** What goes to the on-success sink, by position (the given message or the original), or null. */
    EdgeMessage[] toOnSuccess;
    String error;
    /** SERVE responses by position, or null when the caller serves nothing from this batch. */
    final ByteString[] served;

    Attempt(List<EdgeMessage> batch, Context caller, ByteString[] served) {
      this.batch = batch;
      this.caller = caller;
      this.served = served;
    }

    /** Sends the messages at {@code which} (null: the whole batch, in order). */
    void round(int n, int[] which) {
      List<EdgeMessage> subset = batch;
      if (which != null) {
        subset = new ArrayList<>(which.length);
        for (int i : which) {
          subset.add(batch.get(i));
        }
      }
      client.call(subset).onComplete(ar -> {
        if (ar.failed()) {
          lastError = ar.cause().getMessage();
          caller.runOnContext(v -> done.fail(ar.cause()));
          return;
        }
        answered(n, which, ar.result());
      });
    }

    void answered(int n, int[] which, SinkResponse.Result[] results) {
      int[] retry = null;
      int retries = 0;
      int nacks = 0;
      int serves = 0;
      for (int k = 0; k < results.length; k++) {
        SinkResponse.Result r = results[k];
        int i = which == null ? k : which[k];
        Status s = r.getStatus();
        switch (s) {
          case SUCCESS -> { }
          case FAILURE, NACK -> {
            if (retry == null) {
              retry = new int[results.length - k];
            }
            retry[retries++] = i;
            error = r.getErrMsg().isEmpty() ? "udsink answered " + s : "udsink answered " + s + ": " + r.getErrMsg();
            if (s == Status.NACK) {
              nacks++;
            }
          }
          case FALLBACK -> {
            if (toFallback == null) {
              toFallback = new BitSet(batch.size());
            }
            toFallback.set(i);
          }
          case ON_SUCCESS -> {
            EdgeMessage m = batch.get(i);
            if (r.hasOnSuccessMsg()) {
              m = m.toBuilder().setValue(r.getOnSuccessMsg().getValue()).clearKeys().addAllKeys(r.getOnSuccessMsg().getKeysList()).build();
            }
            if (toOnSuccess == null) {
              toOnSuccess = new EdgeMessage[batch.size()];
            }
            toOnSuccess[i] = m;
          }
          case SERVE -> {
            serves++;
            if (served != null) {
              served[i] = r.hasServeResponse() ? r.getServeResponse() : ByteString.EMPTY;
            }
          }
          default -> {
            if (retry == null) {
              retry = new int[results.length - k];
            }
            retry[retries++] = i;
            error = "udsink answered an unknown status " + r.getStatusValue() + " for id '" + r.getId() + "'";
          }
        }
      }
      if (retries > 0) {
        outcomes.failed(retries);
      }
      unsupported(nacks);
      if (serves > 0) {
        outcomes.serve(serves);
      }
      if (retries > 0 && n < attempts) {
        int[] again = retries == retry.length ? retry : Arrays.copyOf(retry, retries);
        vertx.setTimer(Math.max(1, retryBackoff.delayNanos(n) / 1_000_000), id -> round(n + 1, again));
        return;
      }
      for (int k = 0; k < retries; k++) {
        failed.set(retry[k]);
      }
      routeOn();
    }

    void unsupported(int nacks) {
      if (nacks > 0) {
        outcomes.nack(nacks);
        if (!toldNack) {
          toldNack = true;
          LOG.warn("udsink answered NACK, which Flowmesh does not support yet: treated as FAILURE (retried); counted in"
              + " flowmesh_sink_outcomes_total{outcome=unsupported-nack}");
        }
      }
    }

    /** Writes the FALLBACK and ON_SUCCESS subsets, then completes. */
    void routeOn() {
      if (toFallback == null && toOnSuccess == null) {
        caller.runOnContext(v -> finish());
        return;
      }
      caller.runOnContext(v -> {
        Future<Void> fb = toFallback == null ? Future.succeededFuture() : fallBack();
        Future<Void> ons = toOnSuccess == null ? Future.succeededFuture() : copyOnSuccess();
        Future.join(fb, ons).onComplete(x -> finish());
      });
    }

    void finish() {
      if (!failed.isEmpty()) {
        lastError = error;
      }
      done.complete(failed);
    }

    Future<Void> fallBack() {
      int[] at = toFallback.stream().toArray();
      if (fallback == null) {
        for (int i : at) {
          failed.set(i);
        }
        error = "udsink answered FALLBACK but no fallback sink is configured (sink.fallback.type)";
        return Future.failedFuture(error);
      }
      List<EdgeMessage> list = new ArrayList<>(at.length);
      for (int i : at) {
        list.add(batch.get(i));
      }
      return forward(fallback, list, at, "fallback", (written, lost) -> {
        outcomes.fallback(written);
        if (lost > 0) {
          outcomes.fallbackFailed(lost);
        }
      });
    }

    Future<Void> copyOnSuccess() {
      if (onSuccess == null) {
        return Future.succeededFuture();
      }
      List<EdgeMessage> list = new ArrayList<>();
      int[] at = new int[toOnSuccess.length];
      for (int i = 0; i < toOnSuccess.length; i++) {
        if (toOnSuccess[i] != null) {
          at[list.size()] = i;
          list.add(toOnSuccess[i]);
        }
      }
      return forward(onSuccess, list, at, "on-success", (written, lost) -> outcomes.onSuccess(written));
    }

    /**
     * Writes {@code list} with {@code to}; what it could not write (its position in {@code at}) is
     * marked failed; {@code counts} hears how many were written and how many not.
     */
    Future<Void> forward(SinkWriter to, List<EdgeMessage> list, int[] at, String name, IntBinaryConsumer counts) {
      String[] why = new String[1];
      return Writes.send(to, list, why).compose(bad -> {
        counts.accept(list.size() - bad.cardinality(), bad.cardinality());
        if (bad.isEmpty()) {
          return Future.succeededFuture();
        }
        for (int k = bad.nextSetBit(0); k >= 0; k = bad.nextSetBit(k + 1)) {
          failed.set(at[k]);
        }
        error = name + " sink " + to.describe() + " failed: " + why[0];
        return Future.failedFuture(error);
      });
    }
  }

  /** Two counts: written and not. */
  private interface IntBinaryConsumer {
    void accept(int written, int lost);
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
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
