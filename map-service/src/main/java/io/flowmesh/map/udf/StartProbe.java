package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch mode has no long-lived stream, so {@link UdfClient#start()} opens one just for the
 * handshake and ends it gracefully once the UDF answered; it tries again with backoff
 * until then.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class StartProbe implements MapFnStream.Events {

  private static final Logger LOG = LoggerFactory.getLogger(StartProbe.class);

  private final UdfClient client;
  private final BatchDispatcher dispatcher;
  private final Promise<Void> started = Promise.promise();
  private MapFnStream stream;
  private long openedAtNanos;
  private boolean done;

  StartProbe(UdfClient client, BatchDispatcher dispatcher) {
    this.client = client;
    this.dispatcher = dispatcher;
  }

  Future<Void> start(long now) {
    open(now);
    return started.future();
  }

  private void open(long now) {
    openedAtNanos = now;
    stream = client.newStream(this);
    stream.open();
  }

  /** Retries when the backoff allows, and gives up on a handshake that takes too long. */
  void sweep(long now, long reconnectAtNanos) {
    if (done) {
      return;
    }
    if (stream == null && now - reconnectAtNanos >= 0) {
      open(now);
    } else if (stream != null && now - openedAtNanos >= client.config().connection().timeout().toNanos()) {
      MapFnStream s = stream;
      s.cancel();
      String cause = "no handshake response within " + client.config().connection().timeout();
      client.udfUnreachable(StreamEnd.transport(new java.util.concurrent.TimeoutException(cause)).detail());
      failed(s, cause, now);
    }
  }

  void close() {
    if (!done) {
      done = true;
      if (stream != null) {
        stream.finish();
      }
      started.tryFail(new IllegalStateException("UdfClient closed before the UDF answered a handshake"));
    }
  }

  @Override
  public void onOpen(MapFnStream s) {
    if (s != stream || done) {
      return;
    }
    done = true;
    stream = null;
    s.finish();
    client.udfReachable();
    dispatcher.transportRecovered();
    started.tryComplete();
  }

  @Override
  public void onResponse(MapFnStream s, MapAnswer response) {
  }

  @Override
  public void onEnd(MapFnStream s, StreamEnd end) {
    if (s == stream && !done) {
      if (end.kind() == StreamEnd.Kind.VIOLATION) {
        client.protocolViolation(end.detail(), 0);
      } else {
        client.udfUnreachable(end.detail());
      }
      failed(s, end.toString(), System.nanoTime());
    }
  }

  private void failed(MapFnStream s, String cause, long now) {
    stream = null;
    long due = dispatcher.transportFailed(now);
    client.udfUnreachable(cause);
    LOG.debug("UDF not answering a handshake yet; retrying: address={} cause={} retryInMs={}",
        client.address(), cause, Math.max(0, (due - now) / 1_000_000));
  }
}
