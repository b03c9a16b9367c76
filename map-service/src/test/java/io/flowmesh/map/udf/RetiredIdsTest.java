package io.flowmesh.map.udf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetiredIdsTest {

  @Test
  void aRetiredIdIsRecognisedOnceOnly() {
    RetiredIds ids = new RetiredIds(10);
    ids.add(7);
    assertTrue(ids.take(7));
    assertFalse(ids.take(7));
    assertFalse(ids.take(8));
  }

  @Test
  void theMemoryIsBoundedAndForgetsTheOldestFirst() {
    RetiredIds ids = new RetiredIds(100);
    for (int i = 0; i < 1_000; i++) {
      ids.add(i);
    }
    assertEquals(100, ids.size());
    assertFalse(ids.take(0));
    assertTrue(ids.take(999));
  }
}
