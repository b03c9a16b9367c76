package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.examples.FlatMap;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.ReplyFailures;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A map gathers the replies of a serving input's outputs into its one upstream ack (docs/serving.md):
 * source edge → map-service (in this JVM, the example FlatMap UDF) → a sink edge that replies with
 * each output.
 */
class MapServingRepliesTest {

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void theRepliesOfAFlatMapsOutputsOverTheCapAreAckedUpstreamAsOneFailureNamingTheLimitAndNothingIsRedelivered()
      throws Exception {
    // The test source sends with 16 MiB frames, the map takes 64 KiB: few large inputs, so that a batch fits.
    int n = 12;
    // every 4th input splits into 4,001 outputs whose replies (~20 bytes each) are over a 64 KiB frame; the others into 2
    String big = "x,".repeat(4_000);
    TestSource source = harness.keep(new TestSource(n, i -> ByteString.copyFromUtf8(i % 4 == 0 ? big : "a" + i + ",b" + i), 0, true));
    String udfAddress = harness.udf(new FlatMap(","), MapMode.UNARY_MAP);
    int edgePort = harness.map(source.port(), udfAddress, "--edge.max-frame-bytes=65536", "--edge.max-message-bytes=32768");
    // the sink acks with the map's frame limit (its replies split over frames that fit)
    harness.keep(new TestSink(edgePort, false, m -> List.of(ReplyOutput.newBuilder().setId(m.getId()).setValue(m.getValue())
        .setVertex("sink").build()), EdgeOptions.defaults().withMaxFrameBytes(65_536, 32_768)));

    until(() -> source.replies.size() == n, 60_000, () -> "replies for " + source.replies.size() + " of " + n);
    for (int i = 0; i < n; i++) {
      List<ReplyOutput> r = source.replies.get("m" + i);
      if (i % 4 == 0) {
        assertEquals(1, r.size(), "m" + i + ": one failure in place of 4,001 outputs");
        ReplyOutput f = ReplyFailures.firstFailure(r);
        assertEquals("m" + i, f.getId());
        assertEquals("map", f.getVertex(), "the map's merge went over");
        assertTrue(f.getError().startsWith("its reply was ") && f.getError().contains("edge.max-frame-bytes=65536"), f.getError());
      } else {
        assertNull(ReplyFailures.firstFailure(r), r.toString());
        List<String> values = new ArrayList<>();
        r.forEach(o -> values.add(o.getValue().toStringUtf8()));
        values.sort(null);
        assertEquals(List.of("a" + i, "b" + i), values, "m" + i + ": both outputs' replies");
      }
    }
    assertEquals(n, source.ackCount.get(), "each input acked once");
    assertEquals(0, source.redelivered(), "nothing redelivered");
  }
}
