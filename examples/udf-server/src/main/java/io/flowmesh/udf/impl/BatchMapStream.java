package io.flowmesh.udf.impl;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.ResponseRewriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch map: elements are collected until an end of transmission (EOT) closes the batch; then
 * each is mapped, answered as its handler completes, and once all are answered one EOT response
 * follows. Batches on one call are mapped one after the other. A batch the client never closed
 * with an EOT is discarded when the client half-closes.
 *
 * <h2>Concurrency</h2>
 * Confined to the event-loop thread that opened the call.
 */
final class BatchMapStream extends MapStream {

  /** The batch being received, not yet closed by an EOT. */
  private List<Datum> receiving = new ArrayList<>();
  /** Batches closed by an EOT and waiting for the one being mapped to finish. */
  private final ArrayDeque<List<Datum>> waiting = new ArrayDeque<>();
  /** Answers still due for the batch being mapped; 0 when none is being mapped. */
  private int unanswered;
  /** Whether {@link #mapWaitingBatches()} is on the stack, so it is not re-entered. */
  private boolean dispatching;

  BatchMapStream(MapCall call, MapHandler handler, ResponseRewriter rewriter) {
    super(call, handler, rewriter);
  }

  @Override
  protected void onRequest(MapRequest message) {
    if (message.hasStatus() && message.getStatus().getEot()) {
      waiting.add(receiving);
      receiving = new ArrayList<>();
      mapWaitingBatches();
    } else {
      receiving.add(Datum.of(message));
    }
  }

  @Override
  protected void onAnswered(String id) {
    unanswered--;
    if (unanswered == 0) {
      write(Responses.END_OF_TRANSMISSION);
      mapWaitingBatches();
    }
  }

  @Override
  protected void onClientEnded() {
    mapWaitingBatches();
  }

  /** Maps the next closed batch if none is being mapped; ends the call when all is done. */
  private void mapWaitingBatches() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      while (unanswered == 0 && !waiting.isEmpty() && !closed()) {
        List<Datum> batch = waiting.poll();
        if (batch.isEmpty()) {
          write(Responses.END_OF_TRANSMISSION);
          continue;
        }
        unanswered = batch.size();
        for (int i = 0, n = batch.size(); i < n && !closed(); i++) {
          map(batch.get(i));
        }
      }
      if (unanswered == 0 && waiting.isEmpty() && clientEnded()) {
        end();
      }
    } finally {
      dispatching = false;
    }
  }
}
