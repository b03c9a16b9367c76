package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The clock of time blocked on downstream ({@code flowmesh_map_output_blocked_seconds_total}). */
class EngineStatsTest {

  /** Spins until the monotonic clock has moved on, so each step below takes measurable time. */
  private static void passTime() {
    long start = System.nanoTime();
    while (System.nanoTime() - start < 2_000_000) {
      Thread.onSpinWait();
    }
  }

  @Test
  void theBlockedClockRunsOnlyWhileBlockedAndAPeriodicUpdateShowsALongBlockAsItGoes() {
    EngineStats stats = new EngineStats();
    stats.outputBlocked(false);
    passTime();
    stats.updateOutputBlocked();
    assertEquals(0, stats.outputBlockedNanos, "never blocked: nothing counted");

    stats.outputBlocked(true);
    passTime();
    stats.outputBlocked(true); // the pump says so again: no change
    assertEquals(0, stats.outputBlockedNanos, "a block in progress is counted at the next update, not before");
    stats.updateOutputBlocked();
    long first = stats.outputBlockedNanos;
    assertTrue(first >= 2_000_000, "the update added the time blocked so far: " + first);
    passTime();
    stats.outputBlocked(false);
    long total = stats.outputBlockedNanos;
    assertTrue(total >= first + 2_000_000, "the end of the block added the rest, once: " + first + " then " + total);

    passTime();
    stats.updateOutputBlocked();
    stats.outputBlocked(false);
    assertEquals(total, stats.outputBlockedNanos, "not blocked: the clock stands still");
  }
}
