package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An element's keys and headers reach the UDF; its outputs carry the UDF's keys and tags and the input's
 * headers.
 */
class MapKeysAndHeadersTest {

  private final Vertx vertx = Vertx.vertx();
  private Launched map;
  private TestSink sink;

  @AfterEach
  void stop() {
    if (sink != null) {
      sink.close();
    }
    if (map != null) {
      OnLoop.await(map.stop(Duration.ofSeconds(5)), 20_000);
    }
    OnLoop.await(vertx.close(), 20_000);
  }

  /** Even elements have two keys and two headers, odd ones none. */
  private static EdgeMessage element(int i) {
    EdgeMessageBuilder b = EdgeMessage.newBuilder().setId("m" + i).setValue(ByteString.copyFromUtf8("v" + i)).setEventTime(1000 + i);
    if (i % 2 == 0) {
      b.addKeys("k" + i).addKeys("second").addHeaders(MessageHeaders.header("trace", "t" + i)).addHeaders(MessageHeaders.header("tenant", "acme"));
    }
    return b.build();
  }

  /** Starts a source of {@code n} {@link #element}s, map-service on {@code handler} and a test sink; returns the source's ack count. */
  private AtomicInteger run(int n, MapHandler handler) throws Exception {
    Context ctx = vertx.getOrCreateContext();
    AtomicInteger acked = new AtomicInteger();
    EdgeServer source = OnLoop.call(ctx, () -> new EdgeServer(vertx, "test-source", EdgeOptions.defaults(), 1024,
        new SimpleMeterRegistry()));
    OnLoop.run(ctx, () -> {
      int[] next = {0};
      source.ackListener((m, a, r) -> acked.incrementAndGet());
      source.demandHandler(v -> {
        while (next[0] < n && source.room() > 0) {
          source.offer(element(next[0]++), null);
        }
      });
    });
    int sourcePort = OnLoop.awaitOn(ctx, () -> source.listen("127.0.0.1", 0));
    UdfServer udf = UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0")).handler(handler);
    String udfAddress = OnLoop.await(udf.start(), 10_000).toString();
    int edgePort = PortFinder.freePort();
    map = new MapMain().launch(new String[] {"--map.upstream=127.0.0.1:" + sourcePort, "--map.edge.port=" + edgePort,
        "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2"}, Map.of());
    sink = new TestSink(edgePort, false);
    until(() -> acked.get() == n, 30_000, () -> "source acked " + acked.get() + " of " + n);
    return acked;
  }

  @Test
  void keysAndHeadersArePassedToTheUdfAndHeadersAndTheUdfsKeysToTheOutputs() throws Exception {
    int n = 200;
    Map<String, Datum> seen = new ConcurrentHashMap<>();
    run(n, d -> {
      seen.put(d.valueUtf8(), d);
      return Future.succeededFuture(List.of(MapResult.passThrough(d)));
    });
    for (int i = 0; i < n; i++) {
      EdgeMessage in = element(i);
      Datum d = seen.get("v" + i);
      assertEquals(in.getKeysList(), d.keys(), "keys the UDF saw for m" + i);
      assertEquals(MessageHeaders.toMap(in), d.headers(), "headers the UDF saw for m" + i);
      EdgeMessage out = sink.byId.get("m" + i + "/0");
      assertEquals(in.getKeysList(), out.getKeysList(), "keys of the output of m" + i);
      assertEquals(MessageHeaders.toMap(in), MessageHeaders.toMap(out), "headers of the output of m" + i);
      assertEquals(in.getEventTime(), out.getEventTime(), "event time of the output of m" + i);
      assertEquals(List.of(), out.getTagsList(), "an untagged result has no tags");
    }
  }

  @Test
  void theUdfsTagsReachTheOutputsAndTheDropTagStillDrops() throws Exception {
    int n = 90;
    // i % 3: 0 tagged twice, 1 untagged, 2 dropped with Numaflow's DROP tag
    run(n, d -> {
      int i = Integer.parseInt(d.valueUtf8().substring(1));
      MapResult r = MapResult.passThrough(d);
      return Future.succeededFuture(List.of(i % 3 == 0 ? r.withTags("red", "t" + i) : i % 3 == 1 ? r : MapResult.drop()));
    });
    until(() -> sink.byId.size() == 2 * n / 3, 10_000, () -> "sink got " + sink.byId.size() + " of " + 2 * n / 3);
    for (int i = 0; i < n; i++) {
      EdgeMessage out = sink.byId.get("m" + i + "/0");
      if (i % 3 == 2) {
        assertNull(out, "m" + i + " was dropped by the DROP tag, yet reached the sink");
      } else {
        assertEquals(i % 3 == 0 ? List.of("red", "t" + i) : List.of(), out.getTagsList(), "tags of the output of m" + i);
      }
    }
  }
}
