package io.flowmesh.map.udf;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UdfClientApiTest {

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
    udf.stop();
  }

  private void start(Vertx vertx, TestUdf.Behaviour behaviour, UdfConfigBuilder config) throws Exception {
    udf = TestUdf.tcp(vertx, behaviour);
    harness = new ClientHarness(vertx, config.address(udf.address()).build());
    harness.start();
  }

  @Test
  void callsFromAnotherThreadThrowNamingTheEventLoopInvariant(Vertx vertx) throws Exception {
    start(vertx, TestUdf.ECHO, TestConfigs.fast(""));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> harness.client.map(new TestElement(1)));
    assertTrue(e.getMessage().contains("confined to its verticle's event loop"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> harness.client.inFlight());
    assertThrows(IllegalStateException.class, () -> harness.client.stalled());
  }

  @Test
  void creatingAClientOffAnEventLoopThrows(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new UdfClient(vertx, TestConfigs.fast(udf.address()).build(), null));
    assertTrue(e.getMessage().contains("event-loop"), e.getMessage());
  }

  @Test
  void anInvalidConfigIsRefusedWithEveryProblem(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, TestUdf.ECHO);
    ClientHarness[] made = new ClientHarness[1];
    AssertionError e = assertThrows(AssertionError.class, () -> made[0] = new ClientHarness(vertx,
        TestConfigs.fast("nowhere").batchSize(0).build()));
    String message = String.valueOf(e.getCause());
    assertTrue(message.contains("udf.address") && message.contains("map.batch-size"), message);
  }

  @Test
  void mapIsRefusedInBatchModeAndMapBatchInUnaryMode(Vertx vertx) throws Exception {
    start(vertx, TestUdf.ECHO, TestConfigs.fast(""));
    Throwable t = harness.thrown(() -> harness.client.mapBatch(List.of(new TestElement(1))));
    assertInstanceOf(IllegalStateException.class, t);
    assertTrue(t.getMessage().contains("batch-map") && t.getMessage().contains("unary-map"), t.getMessage());
    harness.close();
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).mode(UdfMode.BATCH).build());
    harness.start();
    t = harness.thrown(() -> harness.client.map(new TestElement(1)));
    assertInstanceOf(IllegalStateException.class, t);
    assertTrue(t.getMessage().contains("unary-map"), t.getMessage());
  }

  @Test
  void isReadyAsksTheUdf(Vertx vertx) throws Exception {
    start(vertx, TestUdf.ECHO, TestConfigs.fast(""));
    assertEquals(true, harness.await(() -> harness.client.isReady(), Duration.ofSeconds(5)));
  }

  @Test
  void isReadyFailsWhenTheUdfIsGone(Vertx vertx) throws Exception {
    start(vertx, TestUdf.ECHO, TestConfigs.fast(""));
    udf.stop();
    assertThrows(Exception.class, () -> harness.await(() -> harness.client.isReady(), Duration.ofSeconds(5)));
  }

  @Test
  void closingReportsEveryElementStillInFlightAsClosed(Vertx vertx) throws Exception {
    start(vertx, (call, request) -> { }, TestConfigs.fast(""));
    harness.mapRange(0, 7);
    harness.awaitUntil("the UDF got them", Duration.ofSeconds(5), () -> udf.requests.get() == 7);
    harness.close();
    assertEquals(7, (int) harness.call(harness.failures::size));
    assertEquals(UdfFailure.Reason.CLOSED, harness.call(() -> harness.failures.get(3)).reason());
    assertEquals(0, (int) harness.call(harness.client::inFlight));
    Throwable t = harness.thrown(() -> harness.client.map(new TestElement(8)));
    assertInstanceOf(IllegalStateException.class, t);
  }

  @Test
  void aRequestOverTheMaxMessageSizeFailsWithoutBeingSent(Vertx vertx) throws Exception {
    start(vertx, TestUdf.ECHO, TestConfigs.fast("").maxMessageSize(2048));
    harness.run(() -> harness.client.map(new TestElement(0, "x".repeat(4096))));
    harness.mapRange(1, 3);
    harness.awaitAllCompleted(3, Duration.ofSeconds(5));
    assertEquals(UdfFailure.Reason.TOO_LARGE, harness.call(() -> harness.failures.get(0)).reason());
    assertEquals(2, udf.requests.get());
  }

  @Test
  void zeroResultsAndTheDropTagArePassedOnAsResults(Vertx vertx) throws Exception {
    start(vertx, (call, request) -> {
      var response = io.flowmesh.proto.udf.map.v1.MapResponse.newBuilder().setId(request.getId());
      if (request.getRequest().getValue().toStringUtf8().equals("1")) {
        response.addResults(io.flowmesh.proto.udf.map.v1.MapResponse.Result.newBuilder().addTags("\\__DROP__"));
      }
      call.write(response.build());
    }, TestConfigs.fast(""));
    java.util.Map<String, List<UdfResult>> seen = new java.util.HashMap<>();
    UdfListener recorder = new UdfListener() {
      @Override
      public void onResults(UdfElement e, List<UdfResult> results) {
        seen.put(((TestElement) e).request().getValue().toStringUtf8(), results);
      }

      @Override
      public void onFailure(UdfElement e, UdfFailure f) {
      }
    };
    UdfClient client = harness.call(() -> new UdfClient(vertx, TestConfigs.fast(udf.address()).build(), recorder));
    harness.await(client::start, Duration.ofSeconds(5));
    harness.run(() -> {
      client.map(new TestElement(0, "0"));
      client.map(new TestElement(1, "1"));
    });
    harness.awaitUntil("both answered", Duration.ofSeconds(5), () -> seen.size() == 2);
    assertEquals(List.of(), harness.call(() -> seen.get("0")));
    assertEquals(List.of("\\__DROP__"), harness.call(() -> seen.get("1").get(0).tags()));
    harness.await(client::close, Duration.ofSeconds(5));
  }

  /** One answer as heard: when it was sent, the times reported, and when the listener ran. */
  private record Heard(long sentAt, long callNanos, long answeredAt, long handledAt) {
  }

  /**
   * The times the client reports with an answer ({@link UdfListener#onAnswered}): sent at the time
   * the caller gave {@link UdfClient#map(UdfElement, long)}, answered no earlier than the UDF's
   * delay after that and no later than the listener ran, and the call time exactly the difference.
   */
  @Test
  void theCallTimeRunsFromTheGivenSendTimeToTheArrivalOfTheAnswer(Vertx vertx) throws Exception {
    long delayMs = 30;
    start(vertx, (call, request) -> call.vertx.setTimer(delayMs, id -> call.echo(request)), TestConfigs.fast(""));
    List<Heard> heard = new ArrayList<>();
    long[] sentAt = new long[20];
    UdfListener listener = new UdfListener() {
      @Override
      public void onResults(UdfElement e, List<UdfResult> results) {
        throw new AssertionError("the client reports answers through onAnswered");
      }

      @Override
      public void onAnswered(UdfElement e, List<UdfResult> results, long callNanos, long nowNanos) {
        heard.add(new Heard(sentAt[((TestElement) e).index], callNanos, nowNanos, System.nanoTime()));
      }

      @Override
      public void onFailure(UdfElement e, UdfFailure f) {
        throw new AssertionError("no element fails here: " + f);
      }
    };
    UdfClient client = harness.call(() -> new UdfClient(vertx, TestConfigs.fast(udf.address()).build(), listener));
    harness.await(client::start, Duration.ofSeconds(5));
    harness.run(() -> {
      // one clock reading for the whole turn, as the engine does per pump
      long now = System.nanoTime();
      for (int i = 0; i < sentAt.length; i++) {
        sentAt[i] = now;
        client.map(new TestElement(i), now);
      }
    });
    harness.awaitUntil("all answered", Duration.ofSeconds(10), () -> heard.size() == sentAt.length);
    for (Heard h : harness.call(() -> List.copyOf(heard))) {
      assertEquals(h.answeredAt - h.sentAt, h.callNanos, "call time = answered - sent");
      assertTrue(h.callNanos >= TimeUnit.MILLISECONDS.toNanos(delayMs),
          "the UDF held each request " + delayMs + " ms; call time " + h.callNanos + " ns");
      assertTrue(h.answeredAt <= h.handledAt, "answered (the chunk's arrival) before the listener ran");
    }
    harness.await(client::close, Duration.ofSeconds(5));
  }
}
