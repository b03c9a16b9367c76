package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Future;

/** Writes nothing; every batch is done at once (for benchmarks and tests of the rest). */
public final class BlackholeWriter implements SinkWriter {

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
  }

  @Override
  public boolean writes() {
    return false;
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String describe() {
    return "blackhole";
  }
}
