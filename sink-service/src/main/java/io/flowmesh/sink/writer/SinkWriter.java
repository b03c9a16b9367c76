package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Future;
import java.util.BitSet;
import java.util.List;

/**
 * Where the sink puts messages: it encodes each message of a batch into an {@link OutBuffer} and
 * then writes the batch at once. One writer is shared by every sink verticle instance.
 *
 * <h2>Concurrency</h2>
 * {@link #encode} is stateless and runs on the calling verticle's event loop. {@link #write} is
 * called from event loops and does the blocking part on one worker thread, in call order; its
 * future completes on the caller's context. The caller must not touch the buffer until then.
 */
public interface SinkWriter {

  /** Appends {@code m} in this sink's format. */
  void encode(EdgeMessage m, OutBuffer out);

  /** False when nothing is written (the blackhole), so encoding can be skipped. */
  default boolean writes() {
    return true;
  }

  /** Writes the buffer; completes once the bytes are written and flushed (and fsynced when configured). */
  Future<Void> write(OutBuffer out);

  /**
   * The ids of the last {@code n} messages this writer wrote before the process started (a file
   * sink reads them back from its file), oldest first; empty for writers that keep nothing.
   * A dedupe window starts from them, so a restart does not forget what was written.
   */
  default Future<List<String>> recentIds(int n) {
    return Future.succeededFuture(List.of());
  }

  /** True for writers that take the messages themselves ({@link #send}) instead of encoded bytes. */
  default boolean sendsMessages() {
    return false;
  }

  /**
   * For {@link #sendsMessages()} writers: writes {@code batch}; completes on the caller's context,
   * once every message was written or finally failed, with the indexes of those that failed.
   */
  default Future<BitSet> send(List<EdgeMessage> batch) {
    return Future.failedFuture(new UnsupportedOperationException(describe() + " takes encoded bytes"));
  }

  /**
   * {@link #send}, and for a user-defined sink that answers SERVE, its response for the message at
   * position {@code i} in {@code served[i]} (when {@code served} is not null), set before the future
   * completes. Other writers serve nothing: the sink then answers with what it wrote.
   */
  default Future<BitSet> send(List<EdgeMessage> batch, com.google.protobuf.ByteString[] served) {
    return send(batch);
  }

  /** The first error of the last batch with failures ({@link #send}), or null. */
  default String lastError() {
    return null;
  }

  /** Flushes and releases the writer. */
  Future<Void> close();

  /** For logs and status, e.g. {@code file /data/out.ndjson}. */
  String describe();
}
