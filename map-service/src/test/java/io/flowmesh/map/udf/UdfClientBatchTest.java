package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientBatchTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  /** A batch UDF: collects a stream's requests until EOT, then hands them to {@code onBatch}. */
  private static TestUdf.Behaviour batchUdf(BiConsumer<TestUdf.Call, List<MapRequest>> onBatch) {
    return (call, request) -> {
      if (request.hasStatus() && request.getStatus().getEot()) {
        List<MapRequest> batch = new ArrayList<>(call.batch);
        call.batch.clear();
        onBatch.accept(call, batch);
      } else {
        call.batch.add(request);
      }
    };
  }

  private static void answerAll(TestUdf.Call call, List<MapRequest> batch) {
    batch.forEach(call::echo);
    call.eot();
  }

  private void start(Vertx vertx, TestUdf.Behaviour behaviour, UdfConfigBuilder config) throws Exception {
    udf = TestUdf.tcp(vertx, behaviour);
    harness = new ClientHarness(vertx, config.address(udf.address()).mode(UdfMode.BATCH).build());
    harness.start();
  }

  private void mapBatches(int batches, int size) {
    harness.run(() -> {
      for (int b = 0; b < batches; b++) {
        List<TestElement> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          batch.add(new TestElement(b * size + i));
        }
        harness.client.mapBatch(batch);
      }
    });
  }

  @Test
  void severalBatchesAreInFlightAtOnceEachOnItsOwnStreamAndEachElementIsAnsweredOnce(Vertx vertx) throws Exception {
    // The UDF answers no batch before all five have arrived: batches sent one at a time would never complete.
    List<Runnable> held = new CopyOnWriteArrayList<>();
    start(vertx, batchUdf((call, batch) -> {
      held.add(() -> answerAll(call, batch));
      if (held.size() == 5) {
        held.forEach(Runnable::run);
      }
    }), TestConfigs.fast(""));
    mapBatches(5, 100);
    harness.awaitAllCompleted(500, Duration.ofSeconds(10));
    assertEquals(500, (int) harness.call(harness.answers::size));
    assertEquals(6, udf.streams.get(), "one stream per batch, plus the start probe");
    assertEquals(0, udf.badFirstMessages.get(), "every batch stream began with the handshake");
    assertEquals(500, harness.client.stats().requestsSent());
    assertEquals(0, harness.client.stats().protocolViolations());
  }

  @Test
  void anEotBeforeEveryIdIsAnsweredIsAViolationAndTheRestIsResent(Vertx vertx) throws Exception {
    start(vertx, batchUdf((call, batch) -> {
      if (call.number == 2) {
        batch.subList(0, batch.size() / 2).forEach(call::echo);
        call.eot();
      } else {
        answerAll(call, batch);
      }
    }), TestConfigs.fast(""));
    mapBatches(1, 100);
    harness.awaitAllCompleted(100, Duration.ofSeconds(10));
    UdfStats stats = harness.client.stats();
    assertEquals(1, stats.protocolViolations());
    assertEquals(100, (int) harness.call(harness.answers::size));
    assertEquals(0, (int) harness.call(harness.failures::size));
    assertEquals(150, stats.requestsSent(), "only the 50 unanswered elements were resent");
    assertEquals(50, stats.retries());
  }

  @Test
  void aBatchStreamFailedWithAnErrorStatusCostsAnAttemptAndIsRetried(Vertx vertx) throws Exception {
    start(vertx, batchUdf((call, batch) -> {
      if (call.number == 2) {
        call.fail(GrpcStatus.INTERNAL, "UDF_EXECUTION_ERROR(java): batch failed");
      } else {
        answerAll(call, batch);
      }
    }), TestConfigs.fast("").retryMaxAttempts(2).onFailure(OnFailure.DROP));
    mapBatches(1, 50);
    harness.awaitAllCompleted(50, Duration.ofSeconds(10));
    assertEquals(50, (int) harness.call(harness.answers::size));
    assertEquals(1, harness.client.stats().udfErrors());
    assertEquals(50, harness.client.stats().retries());
  }

  @Test
  void aBatchUnansweredWithinTheTimeoutIsRetriedOnANewStream(Vertx vertx) throws Exception {
    start(vertx, batchUdf((call, batch) -> {
      if (call.number != 2) {
        answerAll(call, batch);
      }
    }), TestConfigs.fast("").timeout(Duration.ofMillis(400)));
    mapBatches(1, 20);
    harness.awaitAllCompleted(20, Duration.ofSeconds(10));
    assertEquals(20, (int) harness.call(harness.answers::size));
    assertEquals(20, harness.client.stats().timeouts());
    assertTrue(udf.streams.get() >= 3);
  }

  @Test
  void aBatchWhoseUdfDiesIsResentWhenItComesBackWithoutLosingAnAttempt(Vertx vertx) throws Exception {
    AtomicInteger received = new AtomicInteger();
    start(vertx, batchUdf((call, batch) -> {
      received.addAndGet(batch.size());
      call.vertx.setTimer(1_000, id -> answerAll(call, batch));
    }), TestConfigs.fast("").retryMaxAttempts(1).onFailure(OnFailure.DROP));
    mapBatches(3, 50);
    // Kill the UDF while it holds all three batches unanswered.
    harness.awaitUntil("the UDF to receive all three batches", Duration.ofSeconds(5), () -> received.get() >= 150);
    udf.stop();
    Thread.sleep(200);
    udf.start();
    harness.awaitAllCompleted(150, Duration.ofSeconds(10));
    assertEquals(150, (int) harness.call(harness.answers::size));
    assertEquals(0, (int) harness.call(harness.failures::size));
    assertTrue(harness.client.stats().reconnects() >= 1);
  }

  @Test
  void aBatchStreamEndedBeforeEotWithIdsUnansweredIsAViolation(Vertx vertx) throws Exception {
    start(vertx, batchUdf((call, batch) -> {
      if (call.number == 2) {
        call.echo(batch.get(0));
        call.end();
      } else {
        answerAll(call, batch);
      }
    }), TestConfigs.fast(""));
    mapBatches(1, 10);
    harness.awaitAllCompleted(10, Duration.ofSeconds(10));
    assertEquals(1, harness.client.stats().protocolViolations());
    assertEquals(10, (int) harness.call(harness.answers::size));
    assertEquals(9, harness.client.stats().retries());
  }
}
