package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.examples.FlatMap;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flatmap whose elements already in the UDF answer with far more outputs than
 * {@code map.output-capacity} leaves room for: the output edge takes them all (they exist already;
 * refusing one would lose it) and the map takes no new input until they drain. Before, the edge's
 * queue refused the overflow and the map's event loop threw "output edge queue full".
 */
class MapOutputBurstTest {

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void outputsOverTheOutputCapacityFromElementsAlreadyInTheUdfAreAllDeliveredAndEachInputAckedOnce() throws Exception {
    int inputs = 40;
    int perInput = 301;
    String value = "x,".repeat(perInput - 1) + "x";
    TestSource source = harness.keep(new TestSource(inputs, i -> ByteString.copyFromUtf8(value), 0));
    String udfAddress = harness.udf(new FlatMap(","), MapMode.UNARY_MAP);
    // 64 elements may be in the UDF at once, each answering with 301 outputs; the edge's bound is
    // 16 + 1,024 outputs: the first answers alone go over it.
    int edgePort = harness.map(source.port(), udfAddress, "--map.concurrency=64", "--map.output-capacity=16");
    TestSink sink = harness.keep(new TestSink(edgePort, false));

    long total = (long) inputs * perInput;
    until(() -> sink.byId.size() == total && source.ackCount.get() == inputs, 60_000,
        () -> "outputs " + sink.byId.size() + " of " + total + ", inputs acked " + source.ackCount.get() + " of " + inputs);
    for (int i = 0; i < inputs; i++) {
      for (int j = 0; j < perInput; j++) {
        assertTrue(sink.byId.containsKey("m" + i + "/" + j), "output m" + i + "/" + j);
      }
    }
    assertEquals(inputs, source.ackCount.get(), "each input acked once");
    assertEquals(0, source.redelivered(), "nothing redelivered");
    assertEquals(0, sink.duplicates.get(), "no output twice");
  }
}
