package io.flowmesh.examples;

import io.flowmesh.udf.UsageException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A server that works on at most K elements at once, the rest waiting in line (first come, first
 * served): how a model server that batches on a GPU, or any pool of K workers, behaves. Below K
 * elements in flight it answers in the service time; above it, throughput stays at K per service
 * time and each extra element only adds waiting. K may change while it runs ({@link #servers(int)}).
 *
 * <h2>Concurrency</h2>
 * The line and the busy count live on the event loop of the first {@link #acquire} (the UDF
 * server's); {@link #servers(int)} may be called from any thread and hops there.
 */
final class Saturation {

  private volatile int servers;
  private volatile Context context;
  private int busy;
  private final ArrayDeque<Promise<Void>> line = new ArrayDeque<>();

  Saturation(int servers) {
    if (servers < 1) {
      throw new IllegalArgumentException("a saturating server needs at least 1 server, not " + servers);
    }
    this.servers = servers;
  }

  /** Completes when one of the K servers is free for this element; call {@link #release} after serving it. */
  Future<Void> acquire() {
    if (context == null) {
      context = Vertx.currentContext();
    }
    if (busy < servers) {
      busy++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    line.add(p);
    return p.future();
  }

  /** One element was served: its server takes the next in line, unless K went down below the busy count. */
  void release() {
    busy--;
    startWaiting();
  }

  /** Changes K; more servers start on the waiting elements at once, fewer take effect as elements finish. */
  void servers(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("a saturating server needs at least 1 server, not " + k);
    }
    servers = k;
    Context c = context;
    if (c != null) {
      c.runOnContext(v -> startWaiting());
    }
  }

  int servers() {
    return servers;
  }

  private void startWaiting() {
    while (busy < servers && !line.isEmpty()) {
      busy++;
      line.poll().complete();
    }
  }

  /** A schedule of changes to K, {@code 30s:32,1m:8}: at each time after the start, K becomes that number. */
  record Change(long afterMillis, int servers) {

    static List<Change> parse(String text) {
      List<Change> out = new ArrayList<>();
      for (String entry : text.split(",")) {
        String e = entry.trim();
        int colon = e.lastIndexOf(':');
        if (colon <= 0) {
          throw new UsageException("--change-at '" + text + "': entry '" + e + "' is not TIME:K (e.g. 30s:32)");
        }
        long after;
        try {
          after = io.flowmesh.udf.Durations.parse(e.substring(0, colon).trim()).toMillis();
        } catch (UsageException x) {
          throw new UsageException("--change-at '" + text + "': " + x.getMessage());
        }
        int k;
        try {
          k = Integer.parseInt(e.substring(colon + 1).trim());
        } catch (NumberFormatException x) {
          k = 0;
        }
        if (k < 1) {
          throw new UsageException("--change-at '" + text + "': '" + e.substring(colon + 1).trim() + "' is not a number of servers >= 1");
        }
        out.add(new Change(after, k));
      }
      return out;
    }
  }
}
