package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Future;
import java.util.BitSet;
import java.util.List;

/**
 * Writes a list of messages with any {@link SinkWriter}, whichever way it takes them: the
 * messages themselves ({@link SinkWriter#send}) or encoded bytes ({@link SinkWriter#write}, into
 * a buffer of this call). Used where one writer hands messages on to another (fallback,
 * on-success).
 */
public final class Writes {

  /** A reused buffer that a large batch grew past this is given back on its next use. */
  private static final int KEEP = 8 << 20;

  private Writes() {
  }

  /**
   * Writes {@code batch} with {@code w}; completes on the caller's context with the indexes that
   * finally failed (every index when a byte writer's write failed, with {@code error[0]} set to why).
   */
  public static Future<BitSet> send(SinkWriter w, List<EdgeMessage> batch, String[] error) {
    return send(w, batch, error, null);
  }

  /**
   * As {@link #send(SinkWriter, List, String[])}, encoding into {@code out} (emptied first) for a
   * byte writer; null makes a buffer for this call. The caller leaves {@code out} alone until the
   * returned future completes.
   */
  public static Future<BitSet> send(SinkWriter w, List<EdgeMessage> batch, String[] error, OutBuffer out) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BitSet());
    }
    if (w.sendsMessages()) {
      return w.send(batch).transform(ar -> {
        if (ar.failed()) {
          error[0] = String.valueOf(ar.cause().getMessage());
          return Future.succeededFuture(all(batch.size()));
        }
        if (!ar.result().isEmpty()) {
          error[0] = w.lastError();
        }
        return Future.succeededFuture(ar.result());
      });
    }
    if (out == null) {
      out = new OutBuffer();
    } else {
      out.reset(KEEP);
    }
    if (w.writes()) {
      for (EdgeMessage m : batch) {
        w.encode(m, out);
      }
    }
    return w.write(out).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(new BitSet());
      }
      error[0] = String.valueOf(ar.cause().getMessage());
      return Future.succeededFuture(all(batch.size()));
    });
  }

  private static BitSet all(int n) {
    BitSet b = new BitSet(n);
    b.set(0, n);
    return b;
  }
}
