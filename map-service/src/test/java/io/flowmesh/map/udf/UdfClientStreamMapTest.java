package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.flowmesh.map.udf.StreamMapTestUdf.eot;
import static io.flowmesh.map.udf.StreamMapTestUdf.expected;
import static io.flowmesh.map.udf.StreamMapTestUdf.result;
import static io.flowmesh.map.udf.StreamMapTestUdf.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stream-map protocol on the client's side: per-id results held until the id's EOT. */
@ExtendWith(VertxExtension.class)
class UdfClientStreamMapTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  private void startClient(UdfConfigBuilder config) throws Exception {
    harness = new ClientHarness(udf.vertx, config.mode(UdfMode.STREAM).build());
    harness.start();
  }

  private void assertAnsweredAsExpected(int n) throws Exception {
    harness.awaitUntil(n + " elements answered", Duration.ofSeconds(10), () -> harness.answers.size() == n);
    for (int i = 0; i < n; i++) {
      int index = i;
      assertEquals(expected(Integer.toString(i)), harness.call(() -> harness.values.get(index)), "results of element " + i);
    }
    assertEquals(0, (int) harness.call(() -> harness.duplicates), "elements reported twice");
    assertEquals(0, (int) harness.call(harness.failures::size), "failed elements");
    assertEquals(0, (int) harness.call(harness.client::inFlight), "in flight");
  }

  @Test
  void interleavedResultsOfOutOfOrderIdsCompleteEachIdAtItsEot(Vertx vertx) throws Exception {
    int n = 40;
    List<MapRequest> held = new ArrayList<>();
    udf = TestUdf.tcp(vertx, (call, request) -> {
      held.add(request);
      if (held.size() < n) {
        return;
      }
      for (int round = 0; round < 3; round++) { // round r: result r of every id that has one, last sent first
        for (int i = n - 1; i >= 0; i--) {
          List<String> parts = expected(value(held.get(i)));
          if (round < parts.size()) {
            call.write(result(held.get(i).getId(), parts.get(round)));
          }
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        call.write(eot(held.get(i).getId()));
      }
    });
    startClient(TestConfigs.fast(udf.address()));
    harness.mapRange(0, n);
    assertAnsweredAsExpected(n);
    List<Integer> order = harness.call(() -> List.copyOf(harness.answerOrder));
    for (int i = 0; i < n; i++) {
      assertEquals(n - 1 - i, order.get(i), "elements complete in the order of their EOTs");
    }
    assertEquals(n, harness.client.stats().responsesReceived());
    assertEquals(0, harness.client.stats().protocolViolations());
  }

  @Test
  void anAttemptTimingOutAfterPartialResultsLeaksNothingAndItsLateAnswersAreIgnored(Vertx vertx) throws Exception {
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    udf = TestUdf.tcp(vertx, (call, request) -> {
      String v = value(request);
      if (attempts.merge(v, 1, Integer::sum) == 1) {
        call.write(result(request.getId(), "partial-of-a-failed-attempt-" + v));
        call.vertx.setTimer(900, t -> { // after the client's timeout: a late result and a late EOT
          call.write(result(request.getId(), "late-" + v));
          call.write(eot(request.getId()));
        });
      } else {
        StreamMapTestUdf.answer(call, request);
      }
    });
    startClient(TestConfigs.fast(udf.address()).timeout(Duration.ofMillis(300)).retryMaxAttempts(3).onFailure(OnFailure.DROP));
    int n = 8;
    harness.mapRange(0, n);
    assertAnsweredAsExpected(n);
    harness.awaitUntil("every late EOT seen", Duration.ofSeconds(5), () -> harness.client.stats().lateResponses() == n);
    UdfStats stats = harness.client.stats();
    assertEquals(n, stats.timeouts());
    assertEquals(n, stats.retries());
    assertEquals(0, stats.protocolViolations(), "late results and EOTs of timed-out ids are no violation");
    assertAnsweredAsExpected(n); // still exactly the second attempts' results
  }

  @Test
  void aStreamMapUdfSlowerThanTheModeCheckThatAnswersALoneEotIsNotTakenForBatchMap(Vertx vertx) throws Exception {
    // As the SDK 0.9.2 MapStreamer on a busy machine: the first answers come after the 2 s mode
    // check, and an EOT alone is answered with an EOT (which is what the batch-map probe looks for).
    long[] firstRequestNanos = {0};
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (request.hasStatus() && request.getStatus().getEot() && !request.hasRequest()) {
        call.eot();
        return;
      }
      long now = System.nanoTime();
      if (firstRequestNanos[0] == 0) {
        firstRequestNanos[0] = now;
      }
      long wait = Math.max(1, 3_000 - (now - firstRequestNanos[0]) / 1_000_000);
      call.vertx.setTimer(wait, t -> StreamMapTestUdf.answer(call, request));
    });
    startClient(TestConfigs.fast(udf.address()));
    int n = 20;
    harness.mapRange(0, n);
    assertAnsweredAsExpected(n);
    assertEquals(0, harness.client.stats().protocolViolations());
  }

  @Test
  void answersWithoutIdsAsSdk092SendsThemAreTakenInRequestOrder(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      for (String part : expected(value(request))) {
        call.write(result("", part));
      }
      call.write(MapResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build());
    });
    startClient(TestConfigs.fast(udf.address()));
    int n = 50;
    harness.mapRange(0, n);
    assertAnsweredAsExpected(n);
    assertEquals(0, harness.client.stats().protocolViolations());
  }

  @Test
  void aServerInfoFileSayingStreamMapSelectsItWhenMapModeIsUnset(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, StreamMapTestUdf::answer);
    java.nio.file.Path info = java.nio.file.Files.createTempFile("mapper-server-info", "");
    try {
      java.nio.file.Files.writeString(info, "{\"protocol\":\"uds\",\"language\":\"java\",\"version\":\"0.9.2\",\"minimum_numaflow_version\":\"1.4.0\","
          + "\"metadata\":{\"MAP_MODE\":\"stream-map\"}}U+005C__END__");
      harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).serverInfoFile(info.toString()).build());
      harness.start();
      assertEquals(UdfMode.STREAM, harness.call(harness.client::mode));
      harness.mapRange(0, 10);
      assertAnsweredAsExpected(10);
    } finally {
      java.nio.file.Files.deleteIfExists(info);
    }
  }

  /**
   * An SDK 0.9.2 stream-map server answers a lone EOT with an EOT without id, as a batch-map server
   * does: a UDF whose server-info file declares stream-map and is slow to answer at first (a busy
   * machine) is not probed, so not taken for batch-map and halted.
   */
  @Test
  void aSlowStreamerDeclaredByItsServerInfoFileIsNotProbedForBatchMap(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (request.hasStatus()) {
        call.eot(); // what the probe would take for batch-map
      } else {
        vertx.setTimer(3000, t -> StreamMapTestUdf.answer(call, request)); // past the 2 s mode check
      }
    });
    java.nio.file.Path info = java.nio.file.Files.createTempFile("mapper-server-info", "");
    try {
      java.nio.file.Files.writeString(info, "{\"protocol\":\"uds\",\"language\":\"java\",\"version\":\"0.9.2\",\"minimum_numaflow_version\":\"1.4.0\","
          + "\"metadata\":{\"MAP_MODE\":\"stream-map\"}}U+005C__END__");
      harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).serverInfoFile(info.toString()).build());
      harness.start();
      harness.mapRange(0, 5);
      assertAnsweredAsExpected(5);
      assertEquals(null, harness.call(harness.client::problem), "no mode mismatch reported");
    } finally {
      java.nio.file.Files.deleteIfExists(info);
    }
  }
}
