package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.examples.Cat;
import io.flowmesh.examples.Faulty;
import io.flowmesh.examples.FaultyOptions;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * source edge → map-service (in this JVM) → sink edge against misbehaving example UDFs: every
 * input must be acked at the source and every output reach the sink once.
 */
class MapUdfFaultTest {

  /** Short backoffs so that a run with many stream failures stays within seconds. */
  private static final String[] FAST_RECOVERY = {"--udf.reconnect.initial-backoff=10ms", "--udf.reconnect.max-backoff=500ms",
      "--udf.retry.initial-backoff=10ms", "--udf.retry.max-backoff=200ms"};

  private final Vertx udfVertx = Vertx.vertx();
  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private UdfServer udf(String address, MapHandler handler) {
    return started(UdfServer.create(udfVertx, UdfServerOptions.of(address)).handler(handler));
  }

  /** A server answering through {@code faulty}, which also rewrites its answers on the wire. */
  private UdfServer garbling(Faulty faulty) {
    return started(UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0")).handler(faulty).responseRewriter(faulty));
  }

  private static UdfServer started(UdfServer server) {
    OnLoop.await(server.start(), 10_000);
    return server;
  }

  private static String address(UdfServer server) {
    return server.actualAddress().toString();
  }

  private static String[] args(String... extra) {
    String[] all = new String[FAST_RECOVERY.length + extra.length];
    System.arraycopy(FAST_RECOVERY, 0, all, 0, FAST_RECOVERY.length);
    System.arraycopy(extra, 0, all, FAST_RECOVERY.length, extra.length);
    return all;
  }

  @Test
  void aUdfServerThatDiesMidStreamAndComesBackOnItsPortLosesNothingAndCostsNoAttempt() throws Exception {
    int n = 4000;
    AtomicBoolean crashed = new AtomicBoolean();
    CompletableFuture<Void> down = new CompletableFuture<>();
    UdfServer[] first = new UdfServer[1];
    // The crash: at the 1001st element the server stops, its connections closing with ~64 elements in flight.
    Faulty faulty = new Faulty(FaultyOptions.NONE.withCrashAfter(1000), () -> {
      if (crashed.compareAndSet(false, true)) {
        first[0].stop().onComplete(ar -> down.complete(null));
      }
    });
    first[0] = udf("tcp://127.0.0.1:0", faulty);
    String address = address(first[0]);
    pipeline.start(n, address, args("--map.concurrency=64"));

    down.get(30, TimeUnit.SECONDS);
    Thread.sleep(300);
    AtomicLong answeredAfterRestart = new AtomicLong();
    udf(address, d -> {
      answeredAfterRestart.incrementAndGet();
      return new Cat().apply(d);
    });
    pipeline.assertEveryElementArrivedOnce(n);

    assertTrue(answeredAfterRestart.get() >= n - 1000, "the restarted UDF answered only " + answeredAfterRestart.get());
    assertTrue(pipeline.counter("flowmesh.map.udf.reconnects") >= 1, "no reconnect counted");
    JsonObject st = pipeline.instanceStatus();
    assertEquals(0, st.getLong("failedNacked") + st.getLong("failedDropped"), () -> "a broken stream cost attempts: " + st);
    assertEquals(0, pipeline.source.redelivered(), "the source had to redeliver although the map client resends on reconnect");
  }

  @Test
  void aUdfThatHangsMakesMapNotReadyUntilAHealthyUdfReplacesItAndThenEverythingArrives() {
    int n = 3000;
    UdfServer hung = udf("tcp://127.0.0.1:0", new Faulty(FaultyOptions.NONE.withHangAfter(1000), () -> { }));
    String address = address(hung);
    pipeline.start(n, address, args("--map.concurrency=64", "--udf.timeout=2s", "--udf.stall-timeout=300ms"));

    until(() -> {
      Readiness r = pipeline.readiness();
      return !r.ready() && r.reason().contains("stalled");
    }, 30_000, () -> "map never reported the stall; readiness " + pipeline.readiness() + ", map " + pipeline.instanceStatus());
    assertTrue(pipeline.counter("flowmesh.map.udf.stalls") >= 1, "stall not counted");
    assertTrue(pipeline.sink.byId.size() <= 1000, "the hung UDF answered more than it should: " + pipeline.sink.byId.size());

    OnLoop.await(hung.stop(), 10_000);
    udf(address, new Cat());
    pipeline.assertEveryElementArrivedOnce(n);
    until(() -> pipeline.readiness().ready(), 10_000, () -> "map still not ready: " + pipeline.readiness());
  }

  @Test
  void answersForUnknownIdsAreCountedAsViolationsAndTheirElementsStillArriveOnce() {
    int n = 3000;
    Faulty faulty = new Faulty(FaultyOptions.NONE.withGarbage(400, FaultyOptions.Garbage.UNKNOWN_ID), () -> { });
    UdfServer server = garbling(faulty);
    pipeline.start(n, address(server), args("--map.concurrency=64"));

    pipeline.assertEveryElementArrivedOnce(n);
    assertTrue(pipeline.counter("flowmesh.map.udf.protocol.violations") >= 1, "no protocol violation counted");
  }

  @Test
  void aSecondAnswerForAnIdIsCountedAsAViolationAndProducesNoSecondOutput() {
    int n = 3000;
    Faulty faulty = new Faulty(FaultyOptions.NONE.withGarbage(400, FaultyOptions.Garbage.DUPLICATE), () -> { });
    UdfServer server = garbling(faulty);
    pipeline.start(n, address(server), args("--map.concurrency=64"));

    pipeline.assertEveryElementArrivedOnce(n);
    assertTrue(pipeline.counter("flowmesh.map.udf.protocol.violations") >= 1, "no protocol violation counted");
  }

  @Test
  void withOnFailureDropElementsOfFailedStreamsAreDroppedAndOutputsPlusDroppedEqualInputs() {
    int n = 3000;
    UdfServer server = udf("tcp://127.0.0.1:0", new Faulty(FaultyOptions.NONE.withFailFraction(0.01, 7), () -> { }));
    pipeline.start(n, address(server), args("--map.concurrency=64", "--udf.on-failure=drop", "--udf.retry.max-attempts=1"));

    pipeline.awaitAllAcked(n, 60_000);
    JsonObject st = pipeline.instanceStatus();
    long outputs = st.getLong("outputs");
    long dropped = st.getLong("failedDropped");
    assertEquals(n, st.getLong("elementsIn"), () -> "inputs taken: " + st);
    assertEquals(n, outputs + dropped, () -> "outputs + failedDropped != inputs: " + st);
    assertTrue(dropped > 0, () -> "the failing UDF made nothing drop: " + st);
    until(() -> pipeline.sink.byId.size() == outputs, 10_000, () -> "sink got " + pipeline.sink.byId.size() + " of " + outputs);
    assertEquals(0, pipeline.sink.duplicates.get(), "outputs answered twice downstream");
    assertEquals(0, pipeline.source.redelivered(), "dropped elements must be acked, not redelivered");
    assertTrue(pipeline.counter("flowmesh.map.udf.errors") >= 1, "no UDF error counted");
  }

  @Test
  void withOnFailureDropAServingElementTheUdfGaveUpOnIsRepliedAsAFailureNotAnEmptyAnswer() {
    int n = 2000;
    UdfServer server = udf("tcp://127.0.0.1:0", new Faulty(FaultyOptions.NONE.withFailFraction(0.01, 7), () -> { }));
    TestSource source = new TestSource(n, i -> ByteString.copyFromUtf8("v" + i), 0, true);
    pipeline.start(source, address(server), args("--map.concurrency=64", "--udf.on-failure=drop", "--udf.retry.max-attempts=1"));

    pipeline.awaitAllAcked(n, 60_000);
    until(() -> source.replies.size() == n, 10_000, () -> "replies for " + source.replies.size() + " of " + n);
    long dropped = pipeline.instanceStatus().getLong("failedDropped");
    assertTrue(dropped > 0, "the failing UDF made nothing drop");
    long failures = source.replies.values().stream().filter(r -> r.size() == 1 && !r.get(0).getError().isEmpty()).count();
    assertEquals(dropped, failures, "each dropped element's reply is one failure");
    source.replies.values().stream().filter(r -> r.size() == 1 && !r.get(0).getError().isEmpty()).findFirst().ifPresent(r ->
        assertTrue(r.get(0).getError().startsWith("the map UDF gave up on it and it was dropped (udf.on-failure=drop): "),
            r.get(0).getError()));
  }

  @Test
  void withOnFailureFailElementsOfFailedStreamsAreNackedRedeliveredAndAllArrive() {
    int n = 3000;
    UdfServer server = udf("tcp://127.0.0.1:0", new Faulty(FaultyOptions.NONE.withFailFraction(0.01, 7), () -> { }));
    // One attempt: every element in flight on a failed stream is nacked at once (on-failure=fail, the default).
    pipeline.start(n, address(server), args("--map.concurrency=64", "--udf.retry.max-attempts=1"));

    pipeline.assertEveryElementArrivedOnce(n);
    JsonObject st = pipeline.instanceStatus();
    assertTrue(st.getLong("failedNacked") > 0, () -> "nothing was nacked: " + st);
    assertEquals(0, st.getLong("failedDropped"), () -> "on-failure=fail dropped elements: " + st);
    assertTrue(pipeline.source.redelivered() > 0, "the source redelivered nothing after nacks");
    assertEquals(n, st.getLong("outputs"), () -> "an element produced an output twice or not at all: " + st);
  }
}
