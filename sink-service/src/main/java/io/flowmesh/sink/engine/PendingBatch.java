package io.flowmesh.sink.engine;

import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import java.util.Arrays;

/**
 * Deliveries collected for one write, with the subscriber each came from (to ack it there) and
 * whether it is a duplicate of one in flight (acked with the batch, not written again). Parallel
 * arrays, reused batch after batch.
 *
 * <p>Concurrency: not thread-safe; owned by one sink verticle's event loop.
 */
final class PendingBatch {

  private Delivery[] deliveries = new Delivery[256];
  private EdgeSubscriber[] owners = new EdgeSubscriber[256];
  private boolean[] duplicates = new boolean[256];
  private int size;
  private long bytes;
  /** Whether a message to write (not a duplicate) is marked serve. */
  private boolean serving;

  void add(EdgeSubscriber owner, Delivery d, boolean duplicate) {
    if (size == deliveries.length) {
      int n = size << 1;
      deliveries = Arrays.copyOf(deliveries, n);
      owners = Arrays.copyOf(owners, n);
      duplicates = Arrays.copyOf(duplicates, n);
    }
    deliveries[size] = d;
    owners[size] = owner;
    duplicates[size] = duplicate;
    serving |= !duplicate && d.message().getServe();
    size++;
    bytes += d.message().getSerializedSize();
  }

  /** Whether a message to write is marked serve (its writer may hand back a SERVE response). */
  boolean serving() {
    return serving;
  }

  int size() {
    return size;
  }

  /** The deliveries' encoded sizes (payload, id and the rest), the measure of the writer's in-flight bound. */
  long bytes() {
    return bytes;
  }

  Delivery delivery(int i) {
    return deliveries[i];
  }

  EdgeSubscriber owner(int i) {
    return owners[i];
  }

  boolean duplicate(int i) {
    return duplicates[i];
  }

  /** Empties the batch, dropping its references. */
  /** Adds to {@code out} the messages to write: every one but the duplicates, in order. */
  void messagesToWrite(java.util.List<io.flowmesh.runtime.edge.EdgeMessage> out) {
    for (int i = 0; i < size; i++) {
      if (!duplicate(i)) {
        out.add(deliveries[i].message());
      }
    }
  }

  void clear() {
    Arrays.fill(deliveries, 0, size, null);
    Arrays.fill(owners, 0, size, null);
    size = 0;
    bytes = 0;
    serving = false;
  }
}
