package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An element the UDF keeps a while, or that waits for a new stream, is told to detach (to stop
 * sharing its input's frame with its batch-mates, {@link UdfElement#detach}); over a real gRPC
 * stream to an in-process UDF.
 */
@ExtendWith(VertxExtension.class)
class UdfClientDetachTest {

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

  private List<TestElement> map(int from, int to) {
    List<TestElement> out = new ArrayList<>();
    harness.run(() -> {
      for (int i = from; i < to; i++) {
        TestElement e = new TestElement(i);
        out.add(e);
        harness.client.map(e);
      }
    });
    return out;
  }

  @Test
  void anElementTheUdfHoldsPastTheDetachAgeIsDetachedOnceWhileItIsHeld(Vertx vertx) throws Exception {
    long holdMillis = 1_000;
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (request.getRequest().getValue().toStringUtf8().equals("0")) {
        call.vertx.setTimer(holdMillis, id -> call.echo(request));
      } else {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
    TestElement slow = map(0, 1).get(0);
    Thread.sleep(4 * UnaryDispatcher.DETACH_AFTER_NANOS / 1_000_000);
    map(1, 20); // sent while element 0 is still with the UDF
    harness.awaitUntil("element 0 detached", Duration.ofSeconds(5), () -> slow.detaches > 0);
    assertTrue(harness.call(() -> !harness.answers.containsKey(0)), "element 0 was answered before it was detached");
    harness.awaitAllCompleted(20, Duration.ofSeconds(10));
    assertEquals(1, (int) harness.call(() -> slow.detaches), "detached once per attempt");
    assertEquals(List.of("0"), harness.call(() -> harness.values.get(0)), "element 0's answer");
    assertEquals(0, harness.client.stats().retries(), "no attempt failed");
    assertTrue(harness.call(() -> harness.client.stats().detached()) >= 1, "counted");
  }

  @Test
  void elementsWhoseStreamBreaksAreDetachedWhileTheyWaitToBeResent(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (call.number == 1) {
        call.fail(GrpcStatus.UNAVAILABLE, "the first stream breaks");
      } else {
        call.echo(request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
    List<TestElement> elements = map(0, 5);
    harness.awaitAllCompleted(5, Duration.ofSeconds(10));
    assertTrue(udf.streams.get() >= 2, "the elements were resent on a second stream");
    for (TestElement e : elements) {
      assertTrue(harness.call(() -> e.detaches) >= 1, e + " was not detached while it waited to be resent");
    }
    assertTrue(harness.call(() -> harness.client.stats().detached()) >= 5, "counted");
  }
}
