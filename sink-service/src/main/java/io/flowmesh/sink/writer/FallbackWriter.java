package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sink.on-failure=fallback}: the primary writes a batch; what finally failed there (the
 * whole batch when a byte writer's write failed, a file's or the log's) is written to the fallback
 * sink, and only what
 * fails there too is reported failed (and so nacked, and delivered again). The batch's future
 * completes only once the fallback's write is done, so nothing is acked before it is written
 * somewhere. The primary's failures are counted ({@code outcome=primary-failed}), kept for
 * {@code /status} ({@link #primaryError()}) and logged once per failing spell. A message writer's
 * call that fails as a whole (a udsink's stream broke) is no final answer: the batch fails and is
 * retried.
 *
 * <h2>Concurrency</h2>
 * As its writers: shared by the instances, per-call state only; completes on the caller's context.
 */
public final class FallbackWriter implements SinkWriter {

  private static final Logger LOG = LoggerFactory.getLogger(FallbackWriter.class);

  private final SinkWriter primary;
  private final SinkWriter fallback;
  private final UdSinkOutcomes outcomes;
  private final AtomicBoolean primaryFailing = new AtomicBoolean();
  /** Encoding buffers for byte writers, one per batch in flight, reused (the instances write concurrently). */
  private final ConcurrentLinkedQueue<OutBuffer> buffers = new ConcurrentLinkedQueue<>();
  private volatile String primaryError;
  private volatile String lastError;

  public FallbackWriter(SinkWriter primary, SinkWriter fallback, UdSinkOutcomes outcomes) {
    this.primary = primary;
    this.fallback = fallback;
    this.outcomes = outcomes;
  }

  @Override
  public boolean sendsMessages() {
    return true;
  }

  @Override
  public Future<BitSet> send(List<EdgeMessage> batch) {
    return send(batch, null);
  }

  /**
   * As {@link #send(List)}; a message writer primary (a udsink) hands its SERVE responses back in
   * {@code served}. A message diverted to the fallback sink serves nothing (its answer is what was written).
   */
  @Override
  public Future<BitSet> send(List<EdgeMessage> batch, com.google.protobuf.ByteString[] served) {
    String[] why = new String[1];
    OutBuffer reused = buffers.poll();
    OutBuffer out = reused == null ? new OutBuffer() : reused;
    // A message writer's call that failed as a whole (a udsink's stream broke, a protocol fault) said
    // nothing final about any message: it fails, so the batch is nacked and retried, not diverted.
    Future<BitSet> written = primary.sendsMessages()
        ? primary.send(batch, served).map(failed -> {
          why[0] = failed.isEmpty() ? null : primary.lastError();
          return failed;
        })
        : Writes.send(primary, batch, why, out);
    return written.compose(failed -> divert(batch, failed, why[0], out)).andThen(ar -> buffers.add(out));
  }

  /** Writes what {@code failed} names of {@code batch} to the fallback sink; completes with what failed there too. */
  private Future<BitSet> divert(List<EdgeMessage> batch, BitSet failed, String primaryWhy, OutBuffer out) {
    if (failed.isEmpty()) {
      if (primaryFailing.compareAndSet(true, false)) {
        LOG.info("primary sink recovered writer={} (no longer writing to the fallback sink)", primary.describe());
      }
      return Future.succeededFuture(failed);
    }
    int n = failed.cardinality();
    outcomes.primaryFailed(n);
    primaryError = primaryWhy;
    if (primaryFailing.compareAndSet(false, true)) {
      LOG.warn("primary sink failing writer={} cause={}: writing what it fails to the fallback sink {} (sink.on-failure=fallback)",
          primary.describe(), primaryWhy, fallback.describe());
    }
    List<EdgeMessage> rest = new ArrayList<>(n);
    int[] at = new int[n];
    for (int i = failed.nextSetBit(0), k = 0; i >= 0; i = failed.nextSetBit(i + 1), k++) {
      rest.add(batch.get(i));
      at[k] = i;
    }
    String[] fbWhy = new String[1];
    return Writes.send(fallback, rest, fbWhy, out).map(bad -> {
      BitSet still = new BitSet();
      for (int k = bad.nextSetBit(0); k >= 0; k = bad.nextSetBit(k + 1)) {
        still.set(at[k]);
      }
      int lost = bad.cardinality();
      outcomes.fallback(n - lost);
      if (lost > 0) {
        outcomes.fallbackFailed(lost);
      }
      lastError = lost == 0 ? null : primaryWhy + "; and the fallback sink " + fallback.describe() + " failed: " + fbWhy[0];
      return still;
    });
  }

  /** Why the primary last failed (its messages went to the fallback sink), or null before any failure. */
  public String primaryError() {
    return primaryError;
  }

  /** True from a failed write of the primary until its next write without failures. */
  public boolean primaryFailing() {
    return primaryFailing.get();
  }

  @Override
  public Future<List<String>> recentIds(int n) {
    return primary.recentIds(n);
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
    throw new UnsupportedOperationException("the fallback route sends messages");
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return Future.failedFuture(new UnsupportedOperationException("the fallback route sends messages"));
  }

  @Override
  public String lastError() {
    return lastError;
  }

  /** Closes the primary only; the fallback is closed by its owner. */
  @Override
  public Future<Void> close() {
    return primary.close();
  }

  @Override
  public String describe() {
    return primary.describe() + ", failures to " + fallback.describe();
  }
}
