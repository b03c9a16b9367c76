package io.flowmesh.map.udf;

import java.util.ArrayDeque;
import java.util.HashSet;

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
  private final ArrayDeque<String> order = new ArrayDeque<>();
  private final HashSet<String> ids = new HashSet<>();

  RetiredIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  void add(String id) {
    if (ids.add(id)) {
      order.addLast(id);
      if (order.size() > capacity) {
        ids.remove(order.removeFirst());
      }
    }
  }

  /** True once for a retired id: a second late response to it is not late but a duplicate. */
  boolean take(String id) {
    return ids.remove(id);
  }

  /** True if {@code id} is retired, without taking it. */
  boolean contains(String id) {
    return ids.contains(id);
  }

  int size() {
    return ids.size();
  }
}
