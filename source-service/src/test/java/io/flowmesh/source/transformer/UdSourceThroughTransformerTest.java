package io.flowmesh.source.transformer;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.flowmesh.source.udsource.FakeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A udsource behind a source transformer, in one JVM: every record read from the source UDF goes
 * through the transformer, arrives once under its stable id, and every offset is acked at the
 * source UDF once its output was acked (the transformer hands the producer's own {@link Offset}
 * back with the ack).
 */
class UdSourceThroughTransformerTest {

  private static final int RECORDS = 3000;
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final FakeSource udsource = new FakeSource(RECORDS, true);
  private final FakeTransformer transformer = new FakeTransformer();
  private Launched source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      OnLoop.await(source.kill(), 20_000);
    }
    udsource.stop();
    transformer.stop();
    OnLoop.await(vertx.close(), 20_000);
  }

  @Test
  void everyRecordGoesThroughTheTransformerOnceAndEveryOffsetIsAckedAtTheSource() throws Exception {
    source = new SourceMain().launch(new String[] {"--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1",
        "--source.type=udsource", "--source.udsource.address=" + udsource.start(vertx), "--source.udsource.max-batch=100",
        "--source.transformer.enabled=true", "--source.transformer.address=" + transformer.start(vertx),
        "--source.transformer.concurrency=50"}, Map.of());
    int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    Map<String, String> tags = new ConcurrentHashMap<>();
    OnLoop.call(ctx, () -> {
      EdgeSubscriber s = new EdgeSubscriber(vertx, "map", "t", new HostPort("127.0.0.1", port), EdgeOptions.defaults(),
          new SimpleMeterRegistry());
      return s.handler(d -> {
        ids.add(d.message().getId());
        tags.put(d.message().getId(), String.join(",", d.message().getTagsList()));
        s.ack(d);
      }).start();
    });
    until(() -> udsource.acked.size() == RECORDS, 60_000, () -> "every offset acked at the source UDF: " + udsource.acked.size()
        + " of " + RECORDS + ", " + ids.size() + " received");
    assertEquals(RECORDS, ids.size(), "each record once");
    Set<Offset> all = new HashSet<>();
    for (int i = 0; i < RECORDS; i++) {
      all.add(FakeSource.offset(i));
    }
    assertEquals(all, new HashSet<>(udsource.acked), "the offsets acked are the ones read, each once");
    assertTrue(tags.values().stream().allMatch("t"::equals), "every message went through the transformer");
    assertTrue(udsource.nacked.isEmpty(), "nothing nacked while running");
  }
}
