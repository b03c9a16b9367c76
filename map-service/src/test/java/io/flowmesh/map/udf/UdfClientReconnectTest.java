package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broken or closed stream costs no attempt: with max-attempts 1 and on-failure drop, a
 * single charged attempt would show as a failure.
 */
@ExtendWith(VertxExtension.class)
class UdfClientReconnectTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  private UdfConfig oneAttemptThenDrop(String address) {
    return TestConfigs.fast(address).retryMaxAttempts(1).onFailure(OnFailure.DROP).build();
  }

  @Test
  void whenTheUdfClosesTheStreamMidRunEveryElementIsResentAndAnsweredExactlyOnce(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (call.number == 1 && call.requests > 300) {
        call.end();
      } else if (call.number == 1) {
        call.vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(50), id -> call.echo(request));
      } else {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, oneAttemptThenDrop(udf.address()));
    harness.start();
    harness.mapRange(0, 1_000);
    harness.awaitAllCompleted(1_000, Duration.ofSeconds(10));
    assertEquals(1_000, (int) harness.call(harness.answers::size));
    assertEquals(0, (int) harness.call(harness.failures::size), "a closed stream charged an attempt");
    assertTrue(harness.client.stats().reconnects() >= 1);
    assertTrue(udf.streams.get() >= 2);
  }

  @Test
  void whenTheUdfIsStoppedAndRestartedMidRunEveryElementIsAnsweredExactlyOnce(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) ->
        call.vertx.setTimer(20 + ThreadLocalRandom.current().nextInt(30), id -> call.echo(request)));
    harness = new ClientHarness(vertx, oneAttemptThenDrop(udf.address()));
    harness.start();
    harness.mapRange(0, 2_000);
    harness.awaitUntil("some answers", Duration.ofSeconds(5), () -> harness.answers.size() >= 100);
    udf.stop();
    harness.mapRange(2_000, 2_500);
    Thread.sleep(300);
    assertTrue(harness.call(harness.answers::size) < 2_500, "answers while the UDF was down");
    udf.start();
    harness.awaitAllCompleted(2_500, Duration.ofSeconds(15));
    assertEquals(2_500, (int) harness.call(harness.answers::size));
    assertEquals(0, (int) harness.call(harness.failures::size), "a dead UDF charged an attempt");
    assertTrue(harness.client.stats().reconnects() >= 1);
    assertEquals(0, harness.client.stats().udfErrors());
  }
}
