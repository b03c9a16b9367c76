package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientHandshakeTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (udf != null) {
      udf.stop();
    }
  }

  @Test
  void theFirstMessageOfTheStreamIsTheHandshakeAndElementsFollowIt(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
    harness.mapRange(0, 10);
    harness.awaitAllCompleted(10, Duration.ofSeconds(5));
    assertEquals(0, udf.badFirstMessages.get(), "streams whose first message was not a handshake");
    assertEquals(1, udf.streams.get(), "MapFn streams opened");
    assertEquals(10, udf.requests.get(), "requests after the handshake");
    assertEquals(10, harness.call(harness.answers::size));
  }

  @Test
  void aHandshakeAnswerWithoutSotIsAProtocolViolationAndStartWaits(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    udf.handshakeReply = MapResponse.newBuilder().setId("1").build();
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    AtomicReference<Future<Void>> started = new AtomicReference<>();
    harness.run(() -> started.set(harness.client.start()));
    harness.awaitUntil("two violations", Duration.ofSeconds(5),
        () -> harness.client.stats().protocolViolations() >= 2);
    assertFalse(started.get().isComplete(), "start() completed although no handshake was valid");
    assertTrue(udf.streams.get() >= 2, "the client reconnected after the bad handshake");
  }

  @Test
  void startCompletesOnceTheUdfAnswersTheHandshakeAfterBeingAbsent(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    String address = udf.address();
    udf.stop();
    harness = new ClientHarness(vertx, TestConfigs.fast(address).build());
    AtomicReference<Future<Void>> started = new AtomicReference<>();
    harness.run(() -> started.set(harness.client.start()));
    Thread.sleep(300);
    assertFalse(started.get().isComplete(), "start() completed with no UDF listening");
    udf.start();
    harness.awaitUntil("start() completed", Duration.ofSeconds(5), () -> started.get().succeeded());
  }
}
