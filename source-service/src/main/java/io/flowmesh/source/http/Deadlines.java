package io.flowmesh.source.http;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The accepted serving requests ordered by deadline ({@link Waiter#deadlineNanos}), so that
 * {@link Waiters} needs one timer, for the earliest, instead of one per request.
 *
 * <p>Requests with the same timeout go to one FIFO, a <em>lane</em>: taken in order, their deadlines
 * are in order too, so a lane's head is its earliest and adding is O(1). Most clients use one timeout
 * (the default), so there are few lanes; up to {@value #LANES} distinct timeouts get a lane each (a
 * lane left empty is reused for another), and a request with yet another timeout goes to a min-heap
 * keyed by deadline (O(log n)). The earliest deadline is the least of the lanes' heads and the heap's top.
 *
 * <p>An answered or abandoned request is only marked {@link Waiter#done}: it is dropped lazily, when it
 * reaches the head of its lane or the top of the heap ({@link #trim}, as each request is answered), or by {@link #compact} (the caller compacts once
 * the entries held outnumber twice the live ones, so that stays amortized O(1) per request). No answer
 * searches for its entry.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop, with {@link Waiters}.
 */
final class Deadlines {

  /** Distinct timeouts that get a FIFO lane; others go to the heap. */
  static final int LANES = 8;

  private static final Predicate<Waiter> DONE = w -> w.done;

  /** The requests of one timeout, in the order taken (so by deadline). */
  private static final class Lane {
    long timeoutMillis;
    final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  }

  private final Lane[] lanes = new Lane[LANES];
  private int laneCount;
  /** A binary min-heap by deadline of the requests whose timeout has no lane. */
  private Waiter[] heap = new Waiter[16];
  private int heapSize;
  /** Entries held, live and done. */
  private int size;
  /** Where {@link #head} found the earliest: a lane's index, or -1 for the heap's top. */
  private int headLane;

  /** Adds an accepted request; its {@link Waiter#deadlineNanos} is set. */
  void add(Waiter w) {
    Lane free = null;
    for (int i = 0; i < laneCount; i++) {
      Lane lane = lanes[i];
      dropDone(lane.queue);
      if (lane.timeoutMillis == w.timeoutMillis) {
        Waiter tail = lane.queue.peekLast();
        if (tail == null || tail.deadlineNanos - w.deadlineNanos <= 0) {
          lane.queue.addLast(w);
          size++;
          return;
        }
        push(w); // not later than the lane's last (a clock that stepped back): the heap keeps it in order
        return;
      }
      if (free == null && lane.queue.isEmpty()) {
        free = lane;
      }
    }
    if (free == null && laneCount < LANES) {
      free = new Lane();
      lanes[laneCount++] = free;
    }
    if (free == null) {
      push(w);
      return;
    }
    free.timeoutMillis = w.timeoutMillis;
    free.queue.addLast(w);
    size++;
  }

  /** The live request with the earliest deadline, or null when none waits; done entries in front are dropped. */
  Waiter head() {
    Waiter best = null;
    headLane = -1;
    trim();
    for (int i = 0; i < laneCount; i++) {
      Waiter h = lanes[i].queue.peekFirst();
      if (h != null && (best == null || h.deadlineNanos - best.deadlineNanos < 0)) {
        best = h;
        headLane = i;
      }
    }
    if (heapSize > 0 && (best == null || heap[0].deadlineNanos - best.deadlineNanos < 0)) {
      best = heap[0];
      headLane = -1;
    }
    return best;
  }

  /** Removes and returns the live request with the earliest deadline if that is at or before {@code nowNanos}; else null. */
  Waiter pollExpired(long nowNanos) {
    Waiter h = head();
    if (h == null || h.deadlineNanos - nowNanos > 0) {
      return null;
    }
    if (headLane >= 0) {
      lanes[headLane].queue.pollFirst();
      size--;
    } else {
      pop();
    }
    return h;
  }

  /**
   * Drops the done entries at the front of each lane and the heap (O(lanes) when there are none): called as
   * a request is answered, so requests answered in the order taken are not held until their deadline.
   */
  void trim() {
    for (int i = 0; i < laneCount; i++) {
      dropDone(lanes[i].queue);
    }
    while (heapSize > 0 && heap[0].done) {
      pop();
    }
  }

  /** Entries held, live and done. */
  int size() {
    return size;
  }

  /** Drops every done entry: O(entries held). */
  void compact() {
    int n = 0;
    for (int i = 0; i < laneCount; i++) {
      ArrayDeque<Waiter> q = lanes[i].queue;
      q.removeIf(DONE);
      n += q.size();
    }
    int kept = 0;
    for (int i = 0; i < heapSize; i++) {
      if (!heap[i].done) {
        heap[kept++] = heap[i];
      }
    }
    for (int i = kept; i < heapSize; i++) {
      heap[i] = null;
    }
    heapSize = kept;
    for (int i = (heapSize >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
    size = n + heapSize;
  }

  private void dropDone(ArrayDeque<Waiter> q) {
    Waiter h;
    while ((h = q.peekFirst()) != null && h.done) {
      q.pollFirst();
      size--;
    }
  }

  private void push(Waiter w) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heapSize * 2);
    }
    int i = heapSize++;
    heap[i] = w;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent].deadlineNanos - w.deadlineNanos <= 0) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = w;
    size++;
  }

  private void pop() {
    int last = --heapSize;
    heap[0] = heap[last];
    heap[last] = null;
    if (last > 0) {
      siftDown(0);
    }
    size--;
  }

  private void siftDown(int i) {
    Waiter w = heap[i];
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < heapSize && heap[right].deadlineNanos - heap[child].deadlineNanos < 0) {
        child = right;
      }
      if (w.deadlineNanos - heap[child].deadlineNanos <= 0) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = w;
  }
}
