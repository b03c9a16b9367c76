package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowmesh.proto.udf.sink.v1.SinkResponse;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.sink.udsink.FakeSinkServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sink.on-failure=fallback} behind a built-in primary that really fails: a file sink on
 * {@code /dev/full} (every write fails with ENOSPC), the real source and sink services in this JVM.
 * Every message lands in the fallback exactly once and only then is acked; when the fallback fails
 * too, nothing is acked and everything comes again until it works.
 */
class FallbackSinkTest {

  private static final Path DEV_FULL = Path.of("/dev/full");
  private final Pipeline pipeline = new Pipeline();
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFileSinkOnDevFullHandsEveryMessageToTheFallbackFileExactlyOnceAndTheCountsAddUp(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (every write fails with ENOSPC)");
    int total = 20_000;
    Path fallback = dir.resolve("fallback.ndjson");
    Launched source = pipeline.source("--source.count=" + total, "--source.msg-size=50", "--edge.nack-backoff=50ms");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=" + DEV_FULL,
        "--sink.on-failure=fallback", "--sink.fallback.type=file", "--sink.fallback.path=" + fallback, "--sink.retry-backoff=100ms");
    until(() -> Pipeline.status(source).getBoolean("complete"), 120_000,
        () -> "the source to report complete: " + Pipeline.status(source).encode() + " sink: " + Pipeline.status(sink).encode());
    JsonObject src = Pipeline.status(source);
    assertEquals(total, src.getLong("acked"), "acked end to end");
    assertEquals(0, src.getJsonObject("edge").getLong("redelivered"), "nothing nacked: the fallback took every failed batch");
    NdjsonFile written = NdjsonFile.read(fallback);
    assertEquals(total, written.lines(), "lines in the fallback file");
    assertEquals(total, written.ids().size(), "distinct ids in the fallback file");

    JsonObject status = Pipeline.status(sink);
    assertEquals(total, status.getLong("written"), "done: by the fallback sink");
    JsonObject outcomes = status.getJsonObject("outcomes");
    assertEquals(total, outcomes.getLong("primaryFailed"), "/status: the primary's failures");
    assertEquals(total, outcomes.getLong("fallback"), "/status: fallback writes");
    assertEquals(0, outcomes.getLong("fallbackFailed"));
    assertTrue(status.getBoolean("primaryFailing"));
    String why = status.getString("primaryError");
    assertTrue(why.contains("/dev/full") && why.contains("No space left on device"), why);

    MeterRegistry m = sink.registry();
    assertEquals(total, outcome(m, "primary-failed"), "flowmesh_sink_outcomes_total{outcome=primary-failed}");
    assertEquals(total, outcome(m, "fallback"), "flowmesh_sink_outcomes_total{outcome=fallback}");
    assertEquals(total, m.get("flowmesh.sink.messages").counter().count(), "flowmesh_sink_messages_total");
    assertEquals(0, m.get("flowmesh.sink.write.errors").counter().count(), "no batch failed: nothing nacked");
    assertTrue(OnLoop.await(sink.vertex().readiness(), 5000).ready(), "ready: the fallback takes what the primary fails");
  }

  @Test
  void whenTheFallbackFailsTooNothingIsAckedAndEveryMessageArrivesOnceItRecovers() throws Exception {
    assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (every write fails with ENOSPC)");
    int total = 2_000;
    int port = PortFinder.freePort();
    Launched source = pipeline.source("--source.count=" + total, "--edge.nack-backoff=50ms");
    // The fallback is a udsink at a port nobody listens on yet: its writes fail (connection refused).
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=" + DEV_FULL,
        "--sink.on-failure=fallback", "--sink.fallback.type=udsink", "--sink.fallback.udsink.address=tcp://127.0.0.1:" + port,
        "--sink.fallback.udsink.reconnect.initial-backoff=10ms", "--sink.fallback.udsink.reconnect.max-backoff=100ms",
        "--sink.retry-backoff=100ms");
    until(() -> Pipeline.status(source).getJsonObject("edge").getLong("redelivered") > total, 60_000,
        () -> "nacked messages redelivered: " + Pipeline.status(source).getJsonObject("edge").encode());
    assertEquals(0, Pipeline.status(source).getLong("acked"), "nothing is acked that no sink wrote");
    JsonObject status = Pipeline.status(sink);
    assertEquals(0, status.getLong("written"));
    assertEquals(0, status.getJsonObject("outcomes").getLong("fallback"));
    assertTrue(status.getJsonObject("outcomes").getLong("fallbackFailed") > 0, status.encode());
    Readiness r = OnLoop.await(sink.vertex().readiness(), 5000);
    assertFalse(r.ready());
    assertTrue(r.reason().contains("/dev/full") && r.reason().contains("the fallback sink udsink tcp://127.0.0.1:" + port + " failed"),
        r.reason());

    // The fallback comes up: everything arrives there, once each, and is acked.
    vertx = Vertx.vertx();
    Set<String> got = new HashSet<>();
    AtomicLong answered = new AtomicLong();
    FakeSinkServer.start(vertx, port, (resp, ids) -> {
      SinkResponse.Builder b = SinkResponse.newBuilder();
      synchronized (got) {
        for (String id : ids) {
          got.add(id);
          b.addResults(SinkResponse.Result.newBuilder().setId(id));
        }
      }
      answered.addAndGet(ids.size());
      FakeSinkServer.answer(resp, b.build());
    });
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000,
        () -> "the source to report complete: " + Pipeline.status(source).encode() + " sink: " + Pipeline.status(sink).encode());
    assertEquals(total, Pipeline.status(source).getLong("acked"));
    synchronized (got) {
      assertEquals(total, got.size(), "distinct ids the fallback sink was given");
    }
    assertEquals(total, answered.get(), "each written to the fallback exactly once");
    JsonObject after = Pipeline.status(sink);
    assertEquals(total, after.getLong("written"));
    assertEquals(total, after.getJsonObject("outcomes").getLong("fallback"));
    until(() -> OnLoop.await(sink.vertex().readiness(), 5000).ready(), 10_000, () -> "ready again once the fallback writes");
  }

  private static double outcome(MeterRegistry m, String outcome) {
    return m.get("flowmesh.sink.outcomes").tag("outcome", outcome).counter().count();
  }
}
