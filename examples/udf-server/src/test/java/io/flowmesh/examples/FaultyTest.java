package io.flowmesh.examples;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.MapFnCall;
import io.flowmesh.udf.TestBed;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.flowmesh.udf.UsageException;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class FaultyTest {

  private TestBed bed;
  private UdfServer server;
  private final AtomicInteger crashes = new AtomicInteger();

  @BeforeEach
  void startBed(Vertx vertx) {
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }

  private MapFnCall callTo(FaultyOptions options) throws Exception {
    Faulty faulty = new Faulty(options, crashes::incrementAndGet);
    server = UdfServer.create(bed.vertx(), UdfServerOptions.of("tcp://127.0.0.1:0"))
        .handler(faulty)
        .responseRewriter(faulty);
    return bed.handshaken(bed.started(server));
  }

  private static void sendElements(MapFnCall call, int n) {
    for (int i = 1; i <= n; i++) {
      call.send(element(Integer.toString(i), "v" + i));
    }
  }

  private static List<String> answeredIds(List<MapResponse> responses) {
    return responses.subList(1, responses.size()).stream().map(MapResponse::getId).toList();
  }

  @Test
  void withCrashAfterTheProcessCrashesWhenTheElementAfterTheNthArrives() throws Exception {
    MapFnCall call = callTo(FaultyOptions.NONE.withCrashAfter(3));

    sendElements(call, 3);
    call.awaitResponses(4);
    assertEquals(0, crashes.get());
    sendElements(call, 1);
    awaitCrashes(1);

    assertEquals(List.of("1", "2", "3"), answeredIds(call.responses()));
  }

  @Test
  void withHangAfterTheFirstNAreAnsweredAndNoneAfter() throws Exception {
    MapFnCall call = callTo(FaultyOptions.NONE.withHangAfter(2));

    sendElements(call, 5);
    call.awaitResponses(3);
    // The server is alive and still answers IsReady; the hung elements stay unanswered.
    assertTrue(MapFnCall.isReady(bed.client(), TestBed.address(server)));
    Thread.sleep(200);

    assertEquals(List.of("1", "2"), answeredIds(call.responses()));
  }

  @Test
  void withGarbageUnknownIdEveryThirdAnswerCarriesAnIdThatWasNeverSent() throws Exception {
    MapFnCall call = callTo(FaultyOptions.NONE.withGarbage(3, FaultyOptions.Garbage.UNKNOWN_ID));

    sendElements(call, 6);

    assertEquals(List.of("1", "2", "faulty-unknown-3", "4", "5", "faulty-unknown-6"), answeredIds(call.awaitResponses(7)));
  }

  @Test
  void withGarbageDuplicateEverySecondAnswerIsWrittenTwice() throws Exception {
    MapFnCall call = callTo(FaultyOptions.NONE.withGarbage(2, FaultyOptions.Garbage.DUPLICATE));

    sendElements(call, 4);

    assertEquals(List.of("1", "2", "2", "3", "4", "4"), answeredIds(call.awaitResponses(7)));
  }

  @Test
  void withFailFractionOneTheFirstElementFailsTheStreamWithUdfExecutionError() throws Exception {
    MapFnCall call = callTo(FaultyOptions.NONE.withFailFraction(1.0, 1));

    sendElements(call, 1);

    assertEquals(GrpcStatus.INTERNAL, call.awaitStatus());
    assertTrue(call.statusMessage().startsWith("UDF_EXECUTION_ERROR"), call.statusMessage());
  }

  @Test
  void withAFailFractionAboutThatShareOfElementsFail() {
    Faulty faulty = new Faulty(FaultyOptions.NONE.withFailFraction(0.2, 99), crashes::incrementAndGet);
    int n = 20_000;

    int failed = 0;
    for (int i = 0; i < n; i++) {
      failed += faulty.apply(io.flowmesh.udf.Datum.of(Integer.toString(i), List.of(), "v")).failed() ? 1 : 0;
    }

    double share = (double) failed / n;
    assertTrue(share > 0.18 && share < 0.22, "failed share = " + share);
  }

  @Test
  void withUnreadyForIsReadyAnswersFalseUntilItPasses() throws Exception {
    UdfArgs args = UdfArgs.parse(List.of("--address", "tcp://127.0.0.1:0", "--unready-for", "1s"), Map.of());
    server = UdfServer.create(bed.vertx(), args.serverOptions());
    Faulty.configure(args, server);
    args.finish();
    bed.started(server);
    var client = bed.client();

    assertFalse(MapFnCall.isReady(client, TestBed.address(server)));
    long deadline = System.nanoTime() + MapFnCall.TIMEOUT.toNanos();
    while (!MapFnCall.isReady(client, TestBed.address(server))) {
      assertTrue(System.nanoTime() < deadline, "never became ready");
      Thread.sleep(20);
    }
  }

  @Test
  void withStartDelayConfiguringWaitsAtLeastThatLongBeforeTheServerMayListen() {
    UdfArgs args = UdfArgs.parse(List.of("--start-delay", "200ms"), Map.of());
    UdfServer unstarted = UdfServer.create(bed.vertx(), args.serverOptions());

    long start = System.nanoTime();
    Faulty.configure(args, unstarted);

    assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
  }

  @Test
  void optionsAreReadFromTheCommandLineAndBadOnesReportedTogether() {
    UdfArgs good = UdfArgs.parse(List.of("--crash-after", "10", "--hang-after", "20", "--garbage-every", "5",
        "--garbage", "duplicate", "--fail-fraction", "0.01", "--seed", "3", "--start-delay", "1s", "--unready-for", "2s"), Map.of());
    UdfArgs bad = UdfArgs.parse(List.of("--garbage", "noise", "--fail-fraction", "2", "--crash-after", "soon"), Map.of());

    FaultyOptions options = FaultyOptions.from(good);
    good.finish();
    FaultyOptions.from(bad);
    UsageException e = assertThrows(UsageException.class, bad::finish);

    assertEquals(new FaultyOptions(10, 20, 5, FaultyOptions.Garbage.DUPLICATE, 0.01, 3L,
        Duration.ofSeconds(1), Duration.ofSeconds(2)), options);
    assertTrue(e.getMessage().contains("--garbage 'noise'") && e.getMessage().contains("--fail-fraction '2'")
        && e.getMessage().contains("--crash-after 'soon'"), e.getMessage());
  }

  private void awaitCrashes(int n) throws InterruptedException {
    long deadline = System.nanoTime() + MapFnCall.TIMEOUT.toNanos();
    while (crashes.get() < n) {
      assertTrue(System.nanoTime() < deadline, "no crash");
      Thread.sleep(5);
    }
  }
}
