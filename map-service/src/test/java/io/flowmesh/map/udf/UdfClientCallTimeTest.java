package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The times the client reports with an answer ({@link UdfListener#onAnswered}): sent at the time
 * the caller gave {@link UdfClient#map(UdfElement, long)}, answered when the chunk carrying the
 * answer arrived (read once per chunk, not once per answer), and the call time the difference.
 */
@ExtendWith(VertxExtension.class)
class UdfClientCallTimeTest {

  private static final long DELAY_MS = 30;

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  /** One answer as heard: when it was sent, the times reported, and when the listener ran. */
  private record Heard(long sentAt, long callNanos, long answeredAt, long handledAt) {
  }

  @Test
  void theCallTimeRunsFromTheGivenSendTimeToTheArrivalOfTheAnswer(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> call.vertx.setTimer(DELAY_MS, id -> call.echo(request)));
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
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
      assertTrue(h.callNanos >= TimeUnit.MILLISECONDS.toNanos(DELAY_MS),
          "the UDF held each request " + DELAY_MS + " ms; call time " + h.callNanos + " ns");
      assertTrue(h.answeredAt <= h.handledAt, "answered (the chunk's arrival) before the listener ran");
    }
    harness.await(client::close, Duration.ofSeconds(5));
  }
}
