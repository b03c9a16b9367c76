package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Once a map has built an element's outputs it only has to ack the input when they are acked
 * downstream, so it lets go of the input's bytes at once: a downstream slow to ack holds the small
 * outputs, not the large inputs they came from (nor the DATA frames those inputs were slices of).
 * Seen from the heap of this JVM, which runs the map: 10 MB of input whose 100 outputs of a few
 * bytes wait unacked must not still be live, nor through the keys and headers the outputs carry on
 * from their inputs.
 */
class MapInputReleaseTest {

  private static final int COUNT = 100;
  private static final int VALUE_BYTES = 100 * 1024;
  /**
   * What the heap may grow by from before the map starts to while its 100 outputs wait: the map
   * service itself (~3.3 MB measured) and not the 10 MB of inputs (with them held: ~14.8 MB).
   */
  private static final long HELD_LIMIT = 7L << 20;

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void outputsWaitingForTheirDownstreamAcksDoNotKeepTheirInputsAlive() {
    // one payload shared by every message, so the source itself holds no copies
    ByteString payload = ByteString.copyFrom(new byte[VALUE_BYTES]);
    // Keys the UDF echoes and a header: an output shares the input's key and header lists, whose
    // strings, as parsed, were slices of the input's DATA frame.
    TestSource source = harness.keep(new TestSource(COUNT, i -> payload, 3, false,
        b -> b.addHeaders(Header.newBuilder().setKey("trace").setValue("t-1"))));
    String udfAddress = harness.udf(
        d -> Future.succeededFuture(List.of(MapResult.of(d.keys(), ByteString.copyFromUtf8("len=" + d.value().size())))),
        MapMode.UNARY_MAP);
    long before = liveHeap();
    // the byte bound raised so that all 10 MB may be held unacked at once
    int edgePort = harness.map(source.port(), udfAddress, "--edge.input-bytes=64MiB", "--map.output-capacity=" + (2 * COUNT));
    HeldDownstream down = harness.keep(new HeldDownstream(edgePort));
    until(() -> down.held() == COUNT, 30_000, () -> "all " + COUNT + " outputs downstream, unacked; held " + down.held());
    assertEquals("len=" + VALUE_BYTES, down.heldValue(0));
    assertEquals(0, source.acked.size(), "no input is acked while its output is not");

    long grown = liveHeap() - before;
    assertTrue(grown < HELD_LIMIT, "with " + COUNT + " outputs unacked the heap held " + (grown >> 10) + " KiB more than before"
        + " the map started; the " + (COUNT * (long) VALUE_BYTES >> 10) + " KiB of their inputs should have been let go"
        + " when the outputs were built");

    down.ackAll();
    until(() -> source.acked.size() == COUNT, 30_000, () -> "every input acked at the source: " + source.acked.size());
  }

  /** The heap in use after full collections: the smallest of three readings. */
  private static long liveHeap() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
