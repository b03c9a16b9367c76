package io.flowmesh.sink.engine;

import java.util.HashSet;

/**
 * The last {@code capacity} message ids written, to drop redelivered duplicates: a ring of ids in
 * arrival order and a hash set of the same ids. Memory is bounded by the capacity.
 *
 * <p>Concurrency: not thread-safe; owned by one sink verticle's event loop.
 */
final class DedupeWindow {

  private final String[] ring;
  private final HashSet<String> ids;
  private int next;
  private int size;

  DedupeWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("dedupe window must hold at least 1 id: " + capacity);
    }
    ring = new String[capacity];
    ids = new HashSet<>(capacity * 4 / 3 + 1);
  }

  boolean contains(String id) {
    return ids.contains(id);
  }

  /** Remembers {@code id}, forgetting the oldest id when full. */
  void add(String id) {
    if (!ids.add(id)) {
      return;
    }
    if (size == ring.length) {
      ids.remove(ring[next]);
    } else {
      size++;
    }
    ring[next] = id;
    next = (next + 1) % ring.length;
  }

  int size() {
    return size;
  }
}
