package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.runtime.udf.UdfStream;
import io.flowmesh.udf.MapMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each turn's UDF write is a pooled direct buffer ({@link UdfStream}) that must go back to the pool
 * once written, whatever happens to the stream: counted by an unpooled allocator, whose figure of
 * direct memory in use is zero only when every buffer it gave out was released.
 */
class MapTurnBuffersTest {

  private final UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true);
  private final MapHarness harness = new MapHarness();

  @BeforeEach
  void countTurns() {
    UdfStream.turns = counting;
  }

  @AfterEach
  void restore() throws Exception {
    try {
      harness.close();
    } finally {
      UdfStream.turns = ByteBufAllocator.DEFAULT;
    }
  }

  private long inUse() {
    return counting.metric().usedDirectMemory();
  }

  @Test
  void everyTurnIsGivenBackOnceWrittenInUnaryAndBatchMode() {
    for (MapMode mode : new MapMode[] {MapMode.UNARY_MAP, MapMode.BATCH_MAP}) {
      int n = 20_000;
      TestSource source = harness.keep(TestSource.counting(n, 10));
      String udf = harness.udf(new Uppercase(), mode);
      int edge = harness.map(source.port(), udf, "--map.concurrency=64",
          "--map.mode=" + (mode == MapMode.BATCH_MAP ? "batch-map" : "map"));
      harness.keep(new TestSink(edge, false));
      until(() -> source.ackCount.get() == n, 120_000, () -> mode + ": source acked " + source.ackCount.get() + " of " + n);
      until(() -> inUse() == 0, 10_000, () -> mode + ": " + inUse() + " bytes of UDF writes not given back after the run");
    }
  }

  @Test
  void turnsInFlightWhenMapStopsAreGivenBackToo() throws Exception {
    MapHarness stopping = new MapHarness();
    TestSource source = stopping.keep(TestSource.counting(Long.MAX_VALUE, 10));
    int edge = stopping.map(source.port(), stopping.udf(new Uppercase(), MapMode.UNARY_MAP), "--map.concurrency=256");
    stopping.keep(new TestSink(edge, false));
    until(() -> source.ackCount.get() > 5_000, 60_000, () -> "source acked " + source.ackCount.get());
    stopping.close();
    until(() -> inUse() == 0, 20_000, () -> inUse() + " bytes of UDF writes not given back after map stopped mid-run");
  }
}
