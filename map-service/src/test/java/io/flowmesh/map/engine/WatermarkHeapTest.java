package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WatermarkHeapTest {

  @Test
  void minIsTheOldestArrivalWatermarkUnderRandomOutOfOrderCompletion() {
    Random r = new Random(42);
    WatermarkHeap heap = new WatermarkHeap();
    TreeMap<Long, Integer> model = new TreeMap<>();
    List<Element> live = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      if (live.isEmpty() || r.nextInt(3) > 0) {
        Element e = new Element(r.nextInt(10_000), null);
        heap.add(e);
        live.add(e);
        model.merge(e.arrivalWatermark(), 1, Integer::sum);
      } else {
        int i = r.nextInt(live.size());
        Element e = live.get(i);
        live.set(i, live.get(live.size() - 1)); // a random element out in O(1): the list's order means nothing
        live.remove(live.size() - 1);
        assertTrue(heap.remove(e));
        model.computeIfPresent(e.arrivalWatermark(), (k, v) -> v == 1 ? null : v - 1);
      }
      int at = step;
      assertEquals(model.isEmpty() ? Long.MAX_VALUE : model.firstKey(), heap.min(), () -> "at step " + at);
      assertEquals(live.size(), heap.size());
    }
  }

  @Test
  void removingAnElementTwiceOrOneNeverAddedIsANoOp() {
    WatermarkHeap heap = new WatermarkHeap();
    Element a = new Element(5, null);
    Element b = new Element(7, null);
    heap.add(a);
    assertFalse(heap.remove(b));
    assertTrue(heap.remove(a));
    assertFalse(heap.remove(a));
    assertTrue(heap.isEmpty());
  }

  @Test
  void emptyingTheHeapInAnyOrderLeavesNoElementBehind() {
    WatermarkHeap heap = new WatermarkHeap();
    List<Element> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Element e = new Element(i % 17, null);
      all.add(e);
      heap.add(e);
    }
    Collections.shuffle(all, new Random(1));
    for (Element e : all) {
      heap.remove(e);
      assertEquals(-1, e.heapIndex);
    }
    assertEquals(Long.MAX_VALUE, heap.min());
  }
}
