package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redelivered messages and the sink's dedupe window. */
class DedupeTest {

  private final Pipeline pipeline = new Pipeline();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    pipeline.close();
    OnLoop.await(vertx.close(), 20_000);
  }

  /**
   * Runs a rate-limited source through a proxy into a file sink; mid-run, the proxy drops
   * everything the sink sends (its acks are lost while it goes on writing), then cuts the
   * connection: the source redelivers every unacked message, many of them already written.
   */
  /** What the file holds and how many duplicates the sink dropped. */
  private record Outcome(NdjsonFile file, long dropped) {
  }

  private Outcome runWithLostAcks(Path file, int total, int dedupeWindow) throws Exception {
    Launched source = pipeline.source("--source.count=" + total, "--source.rate=20000", "--source.msg-size=50");
    ChokeProxy proxy = new ChokeProxy(vertx, Pipeline.edgePort(source));
    Launched sink = pipeline.sink(proxy.listen(), "--sink.type=file", "--sink.path=" + file,
        "--sink.dedupe-window=" + dedupeWindow);
    until(() -> Pipeline.status(sink).getLong("written") >= total / 4, 30_000, () -> "a quarter written");
    proxy.muteClients();
    long mutedAt = Pipeline.status(sink).getLong("written");
    until(() -> Pipeline.status(sink).getLong("written") >= mutedAt + 1000, 10_000,
        () -> "the sink to write on while its acks are lost");
    proxy.cutAll();
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000,
        () -> "the source to complete: " + Pipeline.status(source).encode());
    JsonObject edge = Pipeline.status(source).getJsonObject("edge");
    assertTrue(edge.getLong("redelivered") >= 1000, "the source redelivered " + edge.getLong("redelivered"));
    long dropped = Pipeline.status(sink).getLong("duplicates");
    pipeline.close();
    return new Outcome(NdjsonFile.read(file), dropped);
  }

  @Test
  void withDedupeOnAForcedRedeliveryLeavesNoDuplicateIdInTheFile(@TempDir Path dir) throws Exception {
    int total = 60_000;
    Path file = dir.resolve("out.ndjson");
    Outcome run = runWithLostAcks(file, total, 100_000);
    assertEquals(total, run.file().ids().size(), "every message arrived");
    assertEquals(0, run.file().duplicates(), "no id written twice");
    assertTrue(run.dropped() >= 1000, "the written-but-unacked messages came back and were dropped: " + run.dropped());
  }

  @Test
  void withDedupeOffTheSameRedeliveryWritesDuplicatesWhichIsWhatTheWindowIsFor(@TempDir Path dir) throws Exception {
    int total = 60_000;
    NdjsonFile written = runWithLostAcks(dir.resolve("out.ndjson"), total, 0).file();
    assertEquals(total, written.ids().size(), "every message arrived");
    assertTrue(written.duplicates() >= 1000, "expected the redelivered messages written again, found " + written.duplicates());
  }

  @Test
  void idsReplayedByTheUpstreamAreDroppedCountedAndAcked(@TempDir Path dir) throws Exception {
    Context ctx = vertx.getOrCreateContext();
    EdgeServer upstream = OnLoop.call(ctx, () -> new EdgeServer(vertx, "replay", EdgeOptions.defaults(), 4096,
        new SimpleMeterRegistry()));
    int port = OnLoop.awaitOn(ctx, () -> upstream.listen("127.0.0.1", 0));
    OnLoop.run(ctx, () -> {
      ByteString value = ByteString.copyFromUtf8("v");
      for (int i = 0; i < 1500; i++) {
        upstream.offer(EdgeMessage.newBuilder().setId("r-" + (i % 1000)).setValue(value).setIngestTime(System.currentTimeMillis())
            .build(), null);
      }
    });
    Path file = dir.resolve("out.ndjson");
    Launched sink = pipeline.sink(port, "--sink.type=file", "--sink.path=" + file, "--sink.dedupe-window=5000");
    until(() -> OnLoop.call(ctx, upstream::acked) == 1500, 20_000, () -> "all 1500 deliveries acked");
    JsonObject status = Pipeline.status(sink);
    assertEquals(1000, status.getLong("written"));
    assertEquals(500, status.getLong("duplicates"));
    assertEquals(500.0, sink.registry().get("flowmesh.sink.duplicates").counter().count());
    pipeline.close();
    NdjsonFile written = NdjsonFile.read(file);
    assertEquals(1000, written.lines());
    assertEquals(1000, written.ids().size());
    OnLoop.awaitOn(ctx, upstream::close);
  }
}
