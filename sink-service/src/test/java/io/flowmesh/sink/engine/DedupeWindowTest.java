package io.flowmesh.sink.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DedupeWindowTest {

  @Test
  void itRemembersTheLastNIdsAndForgetsTheOldest() {
    DedupeWindow w = new DedupeWindow(3);
    w.add("a");
    w.add("b");
    w.add("c");
    assertTrue(w.contains("a") && w.contains("b") && w.contains("c"));
    w.add("d");
    assertFalse(w.contains("a"), "the oldest id is forgotten");
    assertTrue(w.contains("b") && w.contains("d"));
    assertEquals(3, w.size());
  }

  @Test
  void addingAnIdItHoldsDoesNotEvictAnother() {
    DedupeWindow w = new DedupeWindow(2);
    w.add("a");
    w.add("b");
    w.add("b");
    assertTrue(w.contains("a"));
    assertEquals(2, w.size());
  }

  @Test
  void memoryStaysBoundedOverAMillionIds() {
    DedupeWindow w = new DedupeWindow(1000);
    for (int i = 0; i < 1_000_000; i++) {
      w.add(Integer.toString(i));
    }
    assertEquals(1000, w.size());
    assertTrue(w.contains("999999"));
    assertFalse(w.contains("998999"));
  }
}
