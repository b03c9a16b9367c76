package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.examples.FlatMap;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flatmap whose elements already in the UDF answer with far more outputs than
 * {@code map.output-capacity} leaves room for: the output edge takes them all (they exist already;
 * refusing one would lose it) and the map takes no new input until they drain. Before, the edge's
 * queue refused the overflow and the map's event loop threw "output edge queue full".
 */
class MapOutputBurstTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private final Vertx udfVertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  @Test
  void outputsOverTheOutputCapacityFromElementsAlreadyInTheUdfAreAllDeliveredAndEachInputAckedOnce() throws Exception {
    int inputs = 40;
    int perInput = 301;
    String value = "x,".repeat(perInput - 1) + "x";
    TestSource source = keep(new TestSource(inputs, i -> ByteString.copyFromUtf8(value), 0));
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0")).handler(new FlatMap(","));
    String udfAddress = OnLoop.await(udf.start(), 10_000).toString();
    int edgePort = PortFinder.freePort();
    // 64 elements may be in the UDF at once, each answering with 301 outputs; the edge's bound is
    // 16 + 1,024 outputs: the first answers alone go over it.
    Launched map = new MapMain().launch(new String[] {"--map.upstream=127.0.0.1:" + source.port(), "--map.edge.port=" + edgePort,
        "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2",
        "--map.concurrency=64", "--map.output-capacity=16"}, Map.of());
    keep(() -> OnLoop.await(map.stop(Duration.ofSeconds(5)), 20_000));
    TestSink sink = keep(new TestSink(edgePort, false));

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
