package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleWatermarkTest {

  private final Pipeline pipeline = new Pipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void aSourceThatNeverProducedStillAdvancesTheSinksWatermarkWithTheClock() throws Exception {
    long started = System.currentTimeMillis();
    Launched source = pipeline.source("--source.type=http", "--source.idle-timeout=200ms", "--source.max-delay=50ms");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=blackhole");
    until(() -> Pipeline.status(sink).getLong("watermark") >= started, 10_000,
        () -> "the sink's watermark to pass the start time: " + Pipeline.status(sink).getLong("watermark"));
    long first = Pipeline.status(sink).getLong("watermark");
    until(() -> Pipeline.status(sink).getLong("watermark") >= first + 500, 10_000,
        () -> "the watermark to follow the clock past " + (first + 500) + ": " + Pipeline.status(sink).getLong("watermark"));
    long later = Pipeline.status(sink).getLong("watermark");
    assertTrue(System.currentTimeMillis() - later < 2_000, "lag " + (System.currentTimeMillis() - later) + " ms");
    assertEquals(0, Pipeline.status(source).getLong("accepted"), "the source never received anything");
    double gauge = sink.registry().get("flowmesh.sink.watermark").gauge().value();
    assertTrue(gauge >= first, "the watermark gauge reads " + gauge);
  }
}
