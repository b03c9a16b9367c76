package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import java.util.List;

/**
 * One batch on its own {@code MapFn} stream: its elements, how many are unanswered, and
 * the times the batch dispatcher's sweep looks at.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class BatchCall implements MapFnStream.Events {

  private final BatchDispatcher owner;
  final List<Pending> elements;
  /** True if this call replaces one whose stream failed (its opening counts as a reconnect). */
  final boolean afterFailure;
  int unanswered;
  MapFnStream stream;
  /** True once the requests and the EOT were queued on the stream. */
  boolean sent;
  /** When its stream was requested. */
  long startedNanos;
  /** When the last id was answered (the EOT is then due). */
  long answeredAllNanos;
  /** When to open it, while it waits for a backoff. */
  long dueNanos;

  BatchCall(BatchDispatcher owner, List<Pending> elements, boolean afterFailure) {
    this.owner = owner;
    this.elements = elements;
    this.afterFailure = afterFailure;
    this.unanswered = elements.size();
  }

  @Override
  public void onOpen(MapFnStream s) {
    if (s == stream) {
      owner.onOpen(this);
    }
  }

  @Override
  public void onResponse(MapFnStream s, MapAnswer response) {
    if (s == stream) {
      owner.onResponse(this, response);
    }
  }

  @Override
  public void onEnd(MapFnStream s, StreamEnd end) {
    if (s == stream) {
      owner.onEnd(this, end);
    }
  }
}
