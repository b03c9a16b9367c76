package io.flowmesh.map.engine;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects started elements into batches for a batch-map UDF ({@code map.mode=batch-map}): a
 * batch goes to {@link Udf#mapBatch} when it holds {@code batchSize} elements, or when
 * {@code batchTimeout} passed since its first element, whichever comes first.
 *
 * <h2>Concurrency</h2>
 * Event loop only, like its {@link MapEngine}.
 */
final class BatchCollector {

  private final Vertx vertx;
  private final Udf udf;
  private final EngineStats stats;
  private final int batchSize;
  private final long timeoutMillis;
  private List<Element> batch;
  private long timer = -1;

  BatchCollector(Vertx vertx, Udf udf, EngineStats stats, int batchSize, Duration batchTimeout) {
    this.vertx = vertx;
    this.udf = udf;
    this.stats = stats;
    this.batchSize = batchSize;
    this.timeoutMillis = Math.max(1, batchTimeout.toMillis());
  }

  /** Adds {@code e} to the open batch (opening one and its timer if none is), sending it when full. */
  void add(Element e) {
    if (batch == null) {
      batch = new ArrayList<>(batchSize);
      timer = vertx.setTimer(timeoutMillis, id -> {
        timer = -1;
        flush();
      });
    }
    batch.add(e);
    if (batch.size() >= batchSize) {
      flush();
    }
  }

  /** Sends the open batch now, if there is one. */
  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Element> b = batch;
    batch = null;
    if (b != null && !b.isEmpty()) {
      stats.batchesSent++;
      udf.mapBatch(b);
    }
  }
}
