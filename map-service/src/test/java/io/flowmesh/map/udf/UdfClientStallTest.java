package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientStallTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  @Test
  void aUdfHoldingWorkWithoutAnsweringIsStalledAndRestartedUntilItAnswersAgain(Vertx vertx) throws Exception {
    // Stuck until released, as a UDF that reports READY while wedged; the swallowed requests never return.
    AtomicBoolean released = new AtomicBoolean();
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (released.get()) {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .timeout(Duration.ofSeconds(30)).stallTimeout(Duration.ofMillis(300)).build());
    harness.start();
    assertFalse(harness.call(harness.client::stalled), "stalled before any work");
    harness.mapRange(0, 20);
    harness.awaitUntil("stalled", Duration.ofSeconds(5), harness.client::stalled);
    harness.awaitUntil("the stream restarted twice", Duration.ofSeconds(5), () -> udf.streams.get() >= 3);
    assertTrue(harness.call(harness.client::stalled), "still stalled while the UDF is stuck");
    assertTrue(harness.client.stats().stalled(), "the stats, read off the event loop as a scrape does, say stalled");
    assertTrue(harness.call(() -> harness.answers.isEmpty()), "answers while stuck");
    released.set(true);
    harness.awaitAllCompleted(20, Duration.ofSeconds(5));
    assertFalse(harness.call(harness.client::stalled), "still stalled after the answers");
    assertFalse(harness.call(() -> harness.client.stats().stalled()), "the stats still say stalled after the answers");
    UdfStats stats = harness.client.stats();
    assertEquals(1, stats.stalls(), "one stall episode across the restarts");
    assertEquals(0, stats.timeouts() + stats.retries(), "the stall restarts charged no attempt");
  }

  @Test
  void theProblemReportedIsTheCurrentOneAUdfThatStalledAndThenSpeaksGarbageIsReportedForTheGarbage(Vertx vertx)
      throws Exception {
    // Silent first; then it answers every request with an id that was never issued; then properly.
    AtomicReference<String> phase = new AtomicReference<>("silent");
    udf = TestUdf.tcp(vertx, (call, request) -> {
      switch (phase.get()) {
        case "garbage" -> call.write(io.flowmesh.proto.udf.map.v1.MapResponse.newBuilder().setId("never-issued").build());
        case "answering" -> call.echo(request);
        default -> { }
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address())
        .timeout(Duration.ofSeconds(30)).stallTimeout(Duration.ofMillis(300)).retryMaxAttempts(1000).build());
    harness.start();
    assertNull(harness.call(harness.client::problem), "a problem before any work");
    harness.mapRange(0, 20);
    harness.awaitUntil("the stall reported", Duration.ofSeconds(5), () -> {
      String p = harness.client.problem();
      return p != null && p.startsWith("UDF stalled: no response for");
    });

    phase.set("garbage");
    // The stall restarts the stream; the resent requests now get garbage, which must become the reason.
    harness.awaitUntil("the garbage reported", Duration.ofSeconds(5), () -> {
      String p = harness.client.problem();
      return p != null && p.contains("broke the map.v1 protocol: a response for id=never-issued, which was never issued");
    });
    // It stays the reason across further stall timeouts while the UDF keeps talking garbage.
    long violations = harness.client.stats().protocolViolations();
    harness.awaitUntil("more violations", Duration.ofSeconds(5), () -> harness.client.stats().protocolViolations() > violations + 2);
    String p = harness.call(harness.client::problem);
    assertTrue(p.contains("broke the map.v1 protocol"), p);
    assertTrue(harness.call(harness.client::stalled), "no valid answer for longer than the stall timeout is still a stall");

    phase.set("answering");
    harness.awaitAllCompleted(20, Duration.ofSeconds(10));
    assertNull(harness.call(harness.client::problem), "a problem after the UDF answered");
  }

  @Test
  void anIdleClientIsNeverStalled(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).stallTimeout(Duration.ofMillis(50)).build());
    harness.start();
    harness.mapRange(0, 5);
    harness.awaitAllCompleted(5, Duration.ofSeconds(5));
    // A slow first answer (cold JIT, GC) may count as a stall; what must not is the idle time after it.
    long before = harness.call(() -> harness.client.stats().stalls());
    Thread.sleep(200);
    assertFalse(harness.call(harness.client::stalled));
    assertEquals(before, (long) harness.call(() -> harness.client.stats().stalls()), "a stall was counted while idle");
  }
}
