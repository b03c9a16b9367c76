package io.flowmesh.runtime.edge;

import io.vertx.core.Handler;
import java.util.ArrayDeque;

/**
 * An {@link EdgeSubscriber}'s input buffer: what arrived and was not yet handed to the vertex, in
 * arrival order, with its payload bytes, and the vertex's {@code pause}/{@code fetch} demand.
 *
 * <p>Concurrency: owned by its subscriber's event loop.
 */
final class InputQueue {

  private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();
  private long bytes;
  private long demand = Long.MAX_VALUE;
  private boolean delivering;
  private Handler<Delivery> handler;

  int size() {
    return buffer.size();
  }

  /** Payload bytes buffered. */
  long bytes() {
    return bytes;
  }

  /** The oldest buffered delivery, or null. */
  Delivery peek() {
    return buffer.peek();
  }

  void add(Delivery d) {
    buffer.add(d);
    bytes += d.size;
  }

  /**
   * Adds every message of {@code batch}, which arrived on {@code s} (its seqs from the batch's first)
   * while the edge's watermark was {@code watermark}; returns their payload bytes.
   */
  long addAll(EdgeFrames.Inbound batch, long watermark, SubscriberSession s) {
    long payload = 0;
    long first = batch.firstSeq;
    for (int i = 0, n = batch.messages.size(); i < n; i++) {
      Delivery d = new Delivery(batch.messages.get(i), watermark, first + i, s);
      add(d);
      payload += d.size;
    }
    return payload;
  }

  /** Drops what arrived on stream {@code s} (lost: the upstream requeued it and sends it again). */
  void purge(SubscriberSession s) {
    buffer.removeIf(d -> {
      if (d.session == s) {
        bytes -= d.size;
        return true;
      }
      return false;
    });
  }

  void clear() {
    buffer.clear();
    bytes = 0;
  }

  void handler(Handler<Delivery> h) {
    this.handler = h;
  }

  void pause() {
    demand = 0;
  }

  void fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("fetch amount must not be negative: " + amount);
    }
    demand = CreditBalance.saturatedAdd(demand, amount);
  }

  /** Hands buffered deliveries to the handler while there is demand; a call from inside the handler returns at once. */
  void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (demand > 0 && handler != null && !buffer.isEmpty()) {
        Delivery d = buffer.poll();
        int size = d.size;
        bytes -= size;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        d.session.unacked++;
        d.session.unackedBytes += size;
        handler.handle(d);
      }
    } finally {
      delivering = false;
    }
  }
}
