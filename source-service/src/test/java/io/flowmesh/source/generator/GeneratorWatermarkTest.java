package io.flowmesh.source.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GeneratorWatermarkTest {

  @Test
  void withNothingUnsentTheWatermarkIsNowMinusTheJitterBound() {
    GeneratorWatermark wm = new GeneratorWatermark(250);
    assertEquals(10_000 - 250, wm.watermark(10_000, 0, 0));
    wm.produced(100, 9_000);
    assertEquals(10_000 - 250, wm.watermark(10_000, 100, 0));
  }

  @Test
  void theOldestUnsentBatchHoldsTheWatermarkBackUntilItIsSent() {
    GeneratorWatermark wm = new GeneratorWatermark(100);
    wm.produced(10, 1_000);
    wm.produced(20, 2_000);
    wm.produced(30, 3_000);
    assertEquals(1_000 - 100, wm.watermark(5_000, 30, 25), "messages 5..29 unsent: the batch made at 1000 is oldest");
    assertEquals(2_000 - 100, wm.watermark(5_000, 30, 15), "messages 15..29 unsent");
    assertEquals(3_000 - 100, wm.watermark(5_000, 30, 5), "messages 25..29 unsent");
    assertEquals(5_000 - 100, wm.watermark(5_000, 30, 0), "all sent");
  }

  @Test
  void aFullRingKeepsTheOlderTimeSoTheWatermarkNeverRunsAhead() {
    GeneratorWatermark wm = new GeneratorWatermark(0);
    for (int i = 1; i <= 2000; i++) {
      wm.produced(i, i);
    }
    assertEquals(1, wm.watermark(10_000, 2000, 2000));
    long late = wm.watermark(10_000, 2000, 1);
    assertEquals(true, late <= 2000, "the last unsent message was made at 2000, watermark " + late);
  }
}
