package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.google.protobuf.ByteString;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An output of the UDF larger than the map's output edge may carry ({@code edge.max-message-bytes})
 * loses nothing and stops nothing: its input goes back upstream, which delivers it again, the
 * other outputs of the same turn leave, and the map says which limit was hit.
 */
class MapOversizedOutputTest {

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void anOutputOverTheEdgeLimitGivesItsInputBackAndTheRestFlows() throws Exception {
    int n = 20;
    // the UDF answers input "grow" with 40,000 bytes, over the map's edge limit; the others it echoes
    ByteString big = ByteString.copyFromUtf8("y".repeat(40_000));
    MapHandler growing = d -> Future.succeededFuture(List.of(MapResult.of(d.keys(),
        d.valueUtf8().equals("grow") ? big : ByteString.copyFromUtf8(d.valueUtf8()))));
    try (LogLines log = new LogLines("io.flowmesh.map.service.OutputEdge")) {
      TestSource source = harness.keep(new TestSource(n, i -> ByteString.copyFromUtf8(i == 5 ? "grow" : "a" + i), 0));
      String udfAddress = harness.udf(growing, MapMode.UNARY_MAP);
      int edgePort = harness.map(source.port(), udfAddress, "--edge.max-message-bytes=32768");
      TestSink sink = harness.keep(new TestSink(edgePort, false));

      until(() -> source.ackCount.get() == n - 1 && source.redelivered() >= 1, 30_000,
          () -> "acked " + source.ackCount.get() + " of " + (n - 1) + ", redelivered " + source.redelivered());
      for (int i = 0; i < n; i++) {
        if (i != 5) {
          assertTrue(source.acked.contains("m" + i), "m" + i + " acked");
          assertEquals("a" + i, sink.byId.get("m" + i + "/0").getValue().toStringUtf8());
        }
      }
      assertFalse(source.acked.contains("m5"), "the input whose output is too large is not acked");
      assertFalse(sink.byId.containsKey("m5/0"), "nor its output sent");
      List<String> warnings = log.at(Level.WARN);
      assertTrue(warnings.stream().anyMatch(w -> w.contains("message id=m5/0 is 40000 bytes, over edge.max-message-bytes=32768")
          && w.contains("given back upstream")), warnings.toString());
    }
  }
}
