package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientErrorStatusTest {

  private static final String UDF_ERROR = "UDF_EXECUTION_ERROR(java): poison pill";

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  @Test
  void anErrorStatusCountsAnAttemptUntilMaxAttemptsThenFailsWithTheUdfMessage(Vertx vertx) throws Exception {
    AtomicInteger poisonSeen = new AtomicInteger();
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (request.getRequest().getValue().toStringUtf8().equals("0")) {
        poisonSeen.incrementAndGet();
        call.fail(GrpcStatus.INTERNAL, UDF_ERROR);
      } else {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .retryMaxAttempts(3).onFailure(OnFailure.DROP).build());
    harness.start();
    harness.mapRange(0, 1);
    harness.awaitAllCompleted(1, Duration.ofSeconds(5));
    UdfFailure failure = harness.call(() -> harness.failures.get(0));
    assertEquals(UdfFailure.Reason.UDF_ERROR, failure.reason());
    assertEquals(3, failure.attempts());
    assertTrue(failure.detail().contains("grpc-status 13") && failure.detail().contains(UDF_ERROR), failure.detail());
    assertEquals(3, poisonSeen.get());
    assertEquals(3, harness.client.stats().udfErrors());
  }

  @Test
  void everyElementInFlightOnTheFailedStreamLosesAnAttempt(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (request.getRequest().getValue().toStringUtf8().equals("0")) {
        call.vertx.setTimer(100, id -> call.fail(GrpcStatus.INTERNAL, UDF_ERROR));
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .retryMaxAttempts(1).onFailure(OnFailure.FAIL).build());
    harness.start();
    harness.mapRange(0, 5);
    harness.awaitAllCompleted(5, Duration.ofSeconds(5));
    for (int i = 0; i < 5; i++) {
      int index = i;
      UdfFailure f = harness.call(() -> harness.failures.get(index));
      assertEquals(UdfFailure.Reason.UDF_ERROR, f.reason());
      assertEquals(1, f.attempts());
    }
    assertEquals(5, (int) harness.call(harness.failures::size));
    assertEquals(1, harness.client.stats().udfErrors());
  }

  @Test
  void anUnavailableStatusCostsNoAttemptLikeALostConnection(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (call.number == 1) {
        call.fail(GrpcStatus.UNAVAILABLE, "server shutting down");
      } else {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .retryMaxAttempts(1).onFailure(OnFailure.DROP).build());
    harness.start();
    harness.mapRange(0, 5);
    harness.awaitAllCompleted(5, Duration.ofSeconds(5));
    assertEquals(5, (int) harness.call(harness.answers::size));
    assertEquals(0, harness.client.stats().udfErrors());
    assertEquals(0, harness.client.stats().retries());
  }
}
