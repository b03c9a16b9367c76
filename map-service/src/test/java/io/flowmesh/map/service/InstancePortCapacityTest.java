package io.flowmesh.map.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lists a map instance hands to its output edge each turn are sized from the recent turns. */
class InstancePortCapacityTest {

  @Test
  void aLargerTurnSetsTheNextCapacityAtOnce() {
    assertEquals(500, InstancePort.nextCapacity(16, 500));
    assertEquals(900, InstancePort.nextCapacity(500, 900));
  }

  @Test
  void afterSmallerTurnsTheCapacityComesDownByAnEighthATurnToTheFloorOf16() {
    int capacity = 512;
    capacity = InstancePort.nextCapacity(capacity, 3);
    assertEquals(448, capacity);
    capacity = InstancePort.nextCapacity(capacity, 3);
    assertEquals(392, capacity);
    // a turn between the decayed capacity and the last one keeps the larger of the two
    assertEquals(400, InstancePort.nextCapacity(capacity, 400));
    for (int i = 0; i < 40; i++) {
      capacity = InstancePort.nextCapacity(capacity, 1);
    }
    assertEquals(16, capacity);
  }

  @Test
  void aTurnOverTheKeptMaximumIsNotCarriedIntoTheNextTurns() {
    assertEquals(8192, InstancePort.nextCapacity(16, 8192));
    assertEquals(16, InstancePort.nextCapacity(8192, 100_000));
  }
}
