package io.flowmesh.sink.writer;

import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * {@code sink.on-failure=fallback}: the primary writes a batch; what finally failed there (the
 * whole batch when a byte writer's write failed) is written to the fallback sink, and only what
 * fails there too is reported failed (and nacked).
 *
 * <h2>Concurrency</h2>
 * As its writers: shared by the instances, per-call state only; completes on the caller's context.
 */
public final class FallbackWriter implements SinkWriter {

  private final SinkWriter primary;
  private final SinkWriter fallback;
  private final UdSinkOutcomes outcomes;
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
  public Future<BitSet> send(List<Message> batch) {
    String[] why = new String[1];
    return Writes.send(primary, batch, why).compose(failed -> {
      if (failed.isEmpty()) {
        return Future.succeededFuture(failed);
      }
      List<Message> rest = new ArrayList<>(failed.cardinality());
      List<Integer> at = new ArrayList<>(failed.cardinality());
      failed.stream().forEach(i -> {
        rest.add(batch.get(i));
        at.add(i);
      });
      String[] fbWhy = new String[1];
      return Writes.send(fallback, rest, fbWhy).map(bad -> {
        BitSet still = new BitSet();
        bad.stream().forEach(k -> still.set(at.get(k)));
        outcomes.fallback(rest.size() - bad.cardinality());
        lastError = bad.isEmpty() ? null : why[0] + "; and the fallback sink " + fallback.describe() + " failed: " + fbWhy[0];
        return still;
      });
    });
  }

  @Override
  public Future<List<String>> recentIds(int n) {
    return primary.recentIds(n);
  }

  @Override
  public void encode(Message m, OutBuffer out) {
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
