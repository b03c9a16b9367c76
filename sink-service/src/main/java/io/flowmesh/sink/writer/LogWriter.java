package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.PrintStream;

/**
 * One line per message on standard output, a batch written and flushed at once on a worker thread
 * (stdout can block when whoever reads it is slow). Writes go through the same
 * {@link PrintStream} as the console log, whose lock keeps lines whole.
 *
 * <p>Concurrency: see {@link SinkWriter}; one worker thread writes, in call order.
 */
public final class LogWriter implements SinkWriter {

  private final PrintStream out;
  private final WorkerExecutor worker;

  public LogWriter(Vertx vertx, PrintStream out) {
    this.out = out;
    this.worker = vertx.createSharedWorkerExecutor("flowmesh-sink-log", 1);
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer buffer) {
    LogFormat.encode(m, buffer);
  }

  @Override
  public Future<Void> write(OutBuffer buffer) {
    return worker.executeBlocking(() -> {
      out.write(buffer.array(), 0, buffer.length());
      out.flush();
      if (out.checkError()) {
        throw new IOException("writing to standard output failed");
      }
      return null;
    }, false);
  }

  @Override
  public Future<Void> close() {
    return worker.close();
  }

  @Override
  public String describe() {
    return "log (stdout)";
  }
}
