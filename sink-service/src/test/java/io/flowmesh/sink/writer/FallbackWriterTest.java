package io.flowmesh.sink.writer;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.testing.LogCapture;
import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sink.on-failure=fallback} behind a built-in primary that really fails: a file sink on
 * {@code /dev/full}, where every write fails with ENOSPC. The fallback is held by the test, so
 * it can see that the batch is not done (the sink verticle acks a batch only when its send is
 * done) while the fallback's write is outstanding.
 */
class FallbackWriterTest {

  private static final Path DEV_FULL = Path.of("/dev/full");

  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private FileWriter primary;
  private final HeldWriter fallback = new HeldWriter();
  private FallbackWriter writer;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (every write fails with ENOSPC)");
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    primary = FileWriter.open(vertx, DEV_FULL, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    writer = new FallbackWriter(primary, fallback, new UdSinkOutcomes(registry));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      // /dev/full takes no fsync: the primary's close fails (EINVAL), which is no matter here.
      writer.close().otherwiseEmpty().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBatchTheFilePrimaryFailedIsDoneOnlyOnceTheFallbackWroteIt() throws Exception {
    List<EdgeMessage> batch = batch(5);
    LogCapture log = new LogCapture(FallbackWriter.class);
    CompletableFuture<BitSet> done = send(batch);
    until(() -> fallback.held() == 1, 10_000, () -> "the fallback to be given the batch the primary failed");
    assertFalse(done.isDone(), "not done (so not acked) while the fallback's write is outstanding");
    assertEquals(batch, fallback.got(), "the whole failed batch, in order, once");
    fallback.release();
    assertTrue(done.get(10, TimeUnit.SECONDS).isEmpty(), "nothing failed once the fallback wrote it");
    assertEquals(5, count("primary-failed"));
    assertEquals(5, count("fallback"));
    assertEquals(0, count("fallback-failed"));
    assertTrue(writer.primaryFailing());
    assertTrue(writer.primaryError().contains("/dev/full") && writer.primaryError().contains("No space left on device"),
        writer.primaryError());
    assertNull(writer.lastError(), "no error reported for the batch: the fallback took it");

    // A second failing batch: counted, but the failing spell was logged once.
    fallback.answerAtOnce();
    assertTrue(send(batch(3)).get(10, TimeUnit.SECONDS).isEmpty());
    assertEquals(8, count("primary-failed"));
    assertEquals(8, count("fallback"));
    log.close();
    List<String> lines = log.lines();
    assertEquals(1, lines.size(), "one line per failing spell: " + lines);
    assertTrue(lines.get(0).startsWith("WARN primary sink failing writer=file /dev/full"), lines.get(0));
  }

  @Test
  void whatTheFallbackFailsTooIsReportedFailedNamingBothSinks() throws Exception {
    CompletableFuture<BitSet> done = send(batch(4));
    until(() -> fallback.held() == 1, 10_000, () -> "the fallback to be given the batch the primary failed");
    fallback.fail();
    BitSet failed = done.get(10, TimeUnit.SECONDS);
    assertEquals(4, failed.cardinality(), "every message failed (the verticle nacks them: delivered again)");
    assertEquals(0, count("fallback"));
    assertEquals(4, count("fallback-failed"));
    String error = writer.lastError();
    assertTrue(error.contains("/dev/full") && error.contains("the fallback sink held failed"), error);
  }

  private double count(String outcome) {
    return registry.get("flowmesh.sink.outcomes").tag("outcome", outcome).counter().count();
  }

  private CompletableFuture<BitSet> send(List<EdgeMessage> batch) {
    CompletableFuture<BitSet> f = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> writer.send(batch).onComplete(ar -> {
      if (ar.succeeded()) {
        f.complete(ar.result());
      } else {
        f.completeExceptionally(ar.cause());
      }
    }));
    return f;
  }

  private static List<EdgeMessage> batch(int n) {
    List<EdgeMessage> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(EdgeMessage.newBuilder().setId("m-" + i).setValue(ByteString.copyFromUtf8("value-" + i)).build());
    }
    return list;
  }
}
