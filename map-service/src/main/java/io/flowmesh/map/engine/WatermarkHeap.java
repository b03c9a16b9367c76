package io.flowmesh.map.engine;

import java.util.Arrays;

/**
 * A binary min-heap of unfinished elements ordered by the watermark they arrived with. Each
 * element remembers its index, so removing any element (they complete out of order) is
 * O(log n) with no search and no allocation. {@link #min()} is the oldest watermark among
 * unfinished work: the engine's output watermark never passes it.
 *
 * <p>Concurrency: not thread-safe; owned by one engine's event loop.
 */
public final class WatermarkHeap {

  private Element[] heap = new Element[64];
  private int size;

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The smallest arrival watermark, or {@link Long#MAX_VALUE} when empty. */
  public long min() {
    return size == 0 ? Long.MAX_VALUE : heap[0].arrivalWatermark;
  }

  /** Adds an element not yet in the heap. */
  public void add(Element e) {
    if (e.heapIndex >= 0) {
      throw new IllegalStateException("element already in the watermark heap");
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size << 1);
    }
    heap[size] = e;
    e.heapIndex = size;
    siftUp(size++);
  }

  /** Removes an element; false if it was not in the heap. */
  public boolean remove(Element e) {
    int i = e.heapIndex;
    if (i < 0 || i >= size || heap[i] != e) {
      return false;
    }
    e.heapIndex = -1;
    Element last = heap[--size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      last.heapIndex = i;
      siftDown(i);
      siftUp(last.heapIndex);
    }
    return true;
  }

  private void siftUp(int i) {
    Element e = heap[i];
    long w = e.arrivalWatermark;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Element p = heap[parent];
      if (p.arrivalWatermark <= w) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  private void siftDown(int i) {
    Element e = heap[i];
    long w = e.arrivalWatermark;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Element c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].arrivalWatermark < c.arrivalWatermark) {
        child = right;
        c = heap[child];
      }
      if (w <= c.arrivalWatermark) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = e;
    e.heapIndex = i;
  }
}
