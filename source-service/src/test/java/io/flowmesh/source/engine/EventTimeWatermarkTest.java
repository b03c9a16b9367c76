package io.flowmesh.source.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.edge.Watermarks;
import org.junit.jupiter.api.Test;

class EventTimeWatermarkTest {

  private static final long S = 1_000_000_000L;

  @Test
  void aSourceThatNeverReceivedAnythingAdvancesWithTheClockOnceIdle() {
    EventTimeWatermark wm = new EventTimeWatermark(500, 1 * S, 0);
    assertEquals(Watermarks.NONE, wm.watermark(100_000, S / 2, 0), "not idle yet");
    assertEquals(100_000 - 500, wm.watermark(100_000, S, 0));
    assertEquals(200_000 - 500, wm.watermark(200_000, 2 * S, 0));
  }

  @Test
  void theWatermarkIsTheLargestEventTimeSeenMinusTheMaxDelay() {
    EventTimeWatermark wm = new EventTimeWatermark(1000, 10 * S, 0);
    wm.seen(50_000, 60_000, S);
    wm.seen(40_000, 60_000, S);
    assertEquals(49_000, wm.watermark(60_000, 2 * S, 0));
  }

  @Test
  void anEventTimeFromTheFutureCountsAsNow() {
    EventTimeWatermark wm = new EventTimeWatermark(0, 10 * S, 0);
    wm.seen(9_999_999, 60_000, S);
    assertEquals(60_000, wm.watermark(60_000, 2 * S, 0));
  }

  @Test
  void unsentMessagesKeepAnIdleSourceFromFollowingTheClock() {
    EventTimeWatermark wm = new EventTimeWatermark(0, 1 * S, 0);
    wm.seen(10_000, 10_000, 0);
    assertEquals(10_000, wm.watermark(90_000, 5 * S, 3));
    assertEquals(90_000, wm.watermark(90_000, 5 * S, 0));
  }
}
