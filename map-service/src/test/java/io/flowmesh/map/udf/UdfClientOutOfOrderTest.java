package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientOutOfOrderTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  @Test
  void tenThousandElementsWithRandomDelaysAreEachAnsweredExactlyOnceOutOfOrder(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) ->
        call.vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(20), id -> call.echo(request)));
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
    int n = 10_000;
    for (int from = 0; from < n; from += 1_000) {
      harness.mapRange(from, from + 1_000);
    }
    harness.awaitAllCompleted(n, Duration.ofSeconds(30));
    assertEquals(n, (int) harness.call(harness.answers::size));
    List<Integer> order = harness.call(() -> List.copyOf(harness.answerOrder));
    assertNotEquals(order.stream().sorted().toList(), order, "answers came back in submission order");
    UdfStats stats = harness.client.stats();
    assertEquals(n, stats.requestsSent());
    assertEquals(n, stats.responsesReceived());
    assertEquals(0, stats.protocolViolations() + stats.retries() + stats.reconnects());
    assertEquals(n, (int) harness.call(() -> harness.callTimes), "one call-time sample per answer");
    assertTrue(udf.streams.get() == 1, "all elements on one MapFn stream");
  }
}
