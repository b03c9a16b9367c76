package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a UDF that answered none of the unary requests sent to it whether it speaks batch-map:
 * on a stream of its own, a handshake and then an end of transmission (EOT) alone. A batch-map
 * server closes that empty batch with an EOT response; a unary server has nothing to answer
 * (it ignores the EOT, or answers something that is not an EOT). So only an EOT answer is
 * conclusive; anything else, an end, or no answer within {@code udf.timeout}, is not.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class ModeProbe implements MapFnStream.Events {

  private static final Logger LOG = LoggerFactory.getLogger(ModeProbe.class);

  /** What the probe found. */
  interface Outcome {
    /** {@code batch} is true if the UDF answered the lone EOT with an EOT. Called once. */
    void probed(boolean batch);
  }

  private final UdfClient client;
  private final Outcome outcome;
  private final long startedNanos;
  private final MapFnStream stream;
  private boolean done;

  ModeProbe(UdfClient client, Outcome outcome, long now) {
    this.client = client;
    this.outcome = outcome;
    this.startedNanos = now;
    this.stream = client.newStream(this);
    LOG.debug("UDF answered no unary request yet; probing for batch-map with a lone EOT: address={}", client.address());
    stream.open();
  }

  /** Gives up after {@code udf.timeout}. */
  void sweep(long now) {
    if (!done && now - startedNanos >= client.config().connection().timeout().toNanos()) {
      finish(false);
    }
  }

  void close() {
    if (!done) {
      done = true;
      stream.cancel();
    }
  }

  @Override
  public void onOpen(MapFnStream s) {
    if (!done) {
      s.sendEot();
    }
  }

  @Override
  public void onResponse(MapFnStream s, MapAnswer response) {
    finish(!response.hasId() && response.isEot());
  }

  @Override
  public void onEnd(MapFnStream s, StreamEnd end) {
    if (!done) {
      done = true;
      outcome.probed(false);
    }
  }

  private void finish(boolean batch) {
    if (!done) {
      done = true;
      stream.cancel();
      outcome.probed(batch);
    }
  }
}
