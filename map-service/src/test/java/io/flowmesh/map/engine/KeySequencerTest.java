package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeySequencerTest {

  @Test
  void aBusyKeysElementsWaitAndLeaveInArrivalOrderWhileOtherKeysRun() {
    KeySequencer seq = new KeySequencer(new EngineStats());
    Element a1 = new Element(0, "a");
    Element a2 = new Element(0, "a");
    Element a3 = new Element(0, "a");
    Element b1 = new Element(0, "b");
    assertTrue(seq.admit(a1));
    assertFalse(seq.admit(a2));
    assertTrue(seq.admit(b1));
    assertFalse(seq.admit(a3));
    assertEquals(2, seq.waiting());
    assertSame(a2, seq.release(a1));
    assertSame(a3, seq.release(a2));
    assertNull(seq.release(a3));
    assertNull(seq.release(b1));
    assertEquals(0, seq.busyKeys());
    assertEquals(0, seq.waiting());
  }

  @Test
  void elementsWaitingBehindADetachedElementOfTheirKeyAreDetachedAndSoAreLaterArrivals() {
    EngineStats stats = new EngineStats();
    KeySequencer seq = new KeySequencer(stats);
    Element a1 = new Element(0, "a");
    Element a2 = new Element(0, "a");
    Element b1 = new Element(0, "b");
    Element b2 = new Element(0, "b");
    assertTrue(seq.admit(a1));
    assertFalse(seq.admit(a2));
    assertTrue(seq.admit(b1));
    assertFalse(seq.admit(b2));
    assertEquals(2, a1.detach(), "a1 has been with the UDF a while: it and a2, waiting behind it");
    assertEquals(List.of(true, true, false, false), List.of(a1.detached, a2.detached, b1.detached, b2.detached));
    Element a3 = new Element(0, "a");
    assertFalse(seq.admit(a3));
    assertTrue(a3.detached, "it waits behind a detached element of its key");
    assertEquals(1, stats.detachedBehindKey, "counted");
    assertEquals(0, a3.detach(), "detached already");
    Element b3 = new Element(0, "b");
    assertFalse(seq.admit(b3));
    assertFalse(b3.detached, "b's element in the UDF was not detached");
    assertSame(a2, seq.release(a1));
    assertSame(a3, seq.release(a2));
    assertNull(seq.release(a3));
    Element a4 = new Element(0, "a");
    assertTrue(seq.admit(a4));
    assertFalse(a4.detached, "a fresh head of a free key");
  }

  @Test
  void underRandomCompletionAtMostOneElementPerKeyIsInFlightAndEachKeyCompletesInInputOrder() {
    Random r = new Random(9);
    KeySequencer seq = new KeySequencer(new EngineStats());
    Map<String, Integer> inFlightPerKey = new HashMap<>();
    Map<String, List<Integer>> completedOrder = new HashMap<>();
    Map<Element, Integer> index = new HashMap<>();
    List<Element> inFlight = new ArrayList<>();
    ArrayDeque<Element> arrivals = new ArrayDeque<>();
    for (int i = 0; i < 50_000; i++) {
      Element e = new Element(0, "k" + r.nextInt(20));
      index.put(e, i);
      arrivals.add(e);
    }
    while (!arrivals.isEmpty() || !inFlight.isEmpty()) {
      if (!arrivals.isEmpty() && (inFlight.isEmpty() || r.nextBoolean())) {
        Element e = arrivals.poll();
        if (seq.admit(e)) {
          start(e, inFlight, inFlightPerKey);
        }
      } else {
        Element done = inFlight.remove(r.nextInt(inFlight.size()));
        inFlightPerKey.merge(done.key, -1, Integer::sum);
        completedOrder.computeIfAbsent(done.key, k -> new ArrayList<>()).add(index.get(done));
        Element next = seq.release(done);
        if (next != null) {
          start(next, inFlight, inFlightPerKey);
        }
      }
    }
    for (List<Integer> order : completedOrder.values()) {
      for (int i = 1; i < order.size(); i++) {
        int at = i;
        assertTrue(order.get(i - 1) < order.get(i), () -> "per-key order broken: " + order.subList(0, at + 1));
      }
    }
    assertEquals(50_000, completedOrder.values().stream().mapToInt(List::size).sum());
  }

  private static void start(Element e, List<Element> inFlight, Map<String, Integer> perKey) {
    inFlight.add(e);
    int n = perKey.merge(e.key, 1, Integer::sum);
    assertEquals(1, n, "two elements of key " + e.key + " in flight");
  }
}
