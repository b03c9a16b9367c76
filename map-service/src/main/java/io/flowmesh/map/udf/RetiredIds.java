package io.flowmesh.map.udf;

import io.netty.util.collection.LongObjectHashMap;

import java.util.ArrayDeque;

/**
 * The ids of attempts that timed out, so that their late responses are recognised and
 * ignored rather than taken for protocol violations. Bounded: beyond the capacity the
 * oldest ids are forgotten (a response to one of those then counts as a violation).
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class RetiredIds {

  private final int capacity;
  private final ArrayDeque<Long> order = new ArrayDeque<>();
  private final LongObjectHashMap<Boolean> ids = new LongObjectHashMap<>();

  RetiredIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  void add(long id) {
    if (ids.put(id, Boolean.TRUE) == null) {
      order.addLast(id);
      if (order.size() > capacity) {
        ids.remove(order.removeFirst());
      }
    }
  }

  /** True once for a retired id: a second late response to it is not late but a duplicate. */
  boolean take(long id) {
    return ids.remove(id) != null;
  }

  /** True if {@code id} is retired, without taking it. */
  boolean contains(long id) {
    return ids.containsKey(id);
  }

  int size() {
    return ids.size();
  }
}
