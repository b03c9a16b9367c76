package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientTimeoutTest {

  private TestUdf udf;
  private ClientHarness harness;
  /** Attempts the UDF saw, by element value. */
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  private int attempt(MapRequest request) {
    return attempts.merge(request.getRequest().getValue().toStringUtf8(), 1, Integer::sum);
  }

  @Test
  void aTimedOutRequestIsRetriedAndItsLateResponseIsIgnoredAndCounted(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      long delay = attempt(request) == 1 ? 900 : 1;
      call.vertx.setTimer(delay, id -> call.echo(request));
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .timeout(Duration.ofMillis(300)).retryMaxAttempts(3).onFailure(OnFailure.DROP).build());
    harness.start();
    harness.mapRange(0, 5);
    harness.awaitAllCompleted(5, Duration.ofSeconds(5));
    harness.awaitUntil("five late responses", Duration.ofSeconds(5),
        () -> harness.client.stats().lateResponses() == 5);
    Thread.sleep(100);
    UdfStats stats = harness.client.stats();
    assertEquals(5, (int) harness.call(harness.answers::size), "every element answered");
    assertEquals(0, (int) harness.call(harness.failures::size), "no element failed");
    assertEquals(5, stats.timeouts());
    assertEquals(5, stats.retries());
    assertEquals(10, stats.requestsSent());
    assertEquals(5, stats.responsesReceived(), "the late responses were not delivered");
    assertEquals(0, stats.protocolViolations());
  }

  @Test
  void exhaustedRetriesUnderDropReportTheElementThroughOnFailure(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      attempt(request);
      if (!request.getRequest().getValue().toStringUtf8().equals("0")) {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .timeout(Duration.ofMillis(100)).retryMaxAttempts(3).onFailure(OnFailure.DROP).build());
    harness.start();
    harness.mapRange(0, 10);
    harness.awaitAllCompleted(10, Duration.ofSeconds(5));
    UdfFailure failure = harness.call(() -> harness.failures.get(0));
    assertEquals(UdfFailure.Reason.TIMEOUT, failure.reason());
    assertEquals(3, failure.attempts());
    // The client gives up on its own clock; the UDF's loop may count the last attempt a moment later.
    harness.awaitUntil("the UDF to see max-attempts attempts", Duration.ofSeconds(5), () -> attempts.getOrDefault("0", 0) >= 3);
    assertEquals(3, attempts.get("0"), "the UDF saw max-attempts attempts");
    assertEquals(9, (int) harness.call(harness.answers::size));
    assertEquals(1, harness.client.stats().failures());
  }

  @Test
  void retryForeverKeepsRetryingPastMaxAttemptsUntilTheUdfAnswers(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (attempt(request) >= 6) {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .timeout(Duration.ofMillis(150)).retryMaxAttempts(2).onFailure(OnFailure.RETRY_FOREVER).build());
    harness.start();
    harness.mapRange(0, 3);
    harness.awaitAllCompleted(3, Duration.ofSeconds(10));
    assertEquals(3, (int) harness.call(harness.answers::size));
    assertEquals(0, (int) harness.call(harness.failures::size));
    for (int i = 0; i < 3; i++) {
      assertTrue(attempts.get(Integer.toString(i)) >= 6, "attempts of element " + i);
    }
    assertTrue(harness.client.stats().timeouts() >= 15, "timeouts past max-attempts");
  }
}
