package io.flowmesh.map.udf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static io.flowmesh.map.udf.StreamMapTestUdf.eot;
import static io.flowmesh.map.udf.StreamMapTestUdf.expected;
import static io.flowmesh.map.udf.StreamMapTestUdf.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream-map UDF breaking the protocol on its first stream: one violation counted, one WARN
 * line naming stream-map and the fault, the stream replaced, and every element answered
 * exactly once with its own results (none of the broken attempt's).
 */
@ExtendWith(VertxExtension.class)
class UdfClientStreamMapFaultTest {

  private static final int N = 100;

  private TestUdf udf;
  private ClientHarness harness;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger clientLogger = (Logger) LoggerFactory.getLogger(UdfClient.class);

  @BeforeEach
  void captureLog() {
    log.start();
    clientLogger.addAppender(log);
  }

  @AfterEach
  void tearDown() throws Exception {
    clientLogger.detachAppender(log);
    harness.close();
    udf.stop();
  }

  private interface Fault {
    void send(TestUdf.Call call, MapRequest request);
  }

  /** Answers properly after 30 ms; on stream 1, at its 20th request, sends {@code fault}. */
  private void run(Vertx vertx, Fault fault, String named) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      if (call.number == 1 && call.requests == 21) {
        fault.send(call, request);
      }
      call.vertx.setTimer(30, id -> StreamMapTestUdf.answer(call, request));
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).mode(UdfMode.STREAM).build());
    harness.start();
    harness.mapRange(0, N);
    assertAllAnswered();
    assertEquals(1, harness.client.stats().protocolViolations(), "violations");
    assertTrue(udf.streams.get() >= 2, "the client opened a new stream");
    assertViolationLogged(named);
  }

  private void assertAllAnswered() throws Exception {
    harness.awaitUntil(N + " elements answered", Duration.ofSeconds(10), () -> harness.answers.size() == N);
    for (int i = 0; i < N; i++) {
      int index = i;
      assertEquals(expected(Integer.toString(i)), harness.call(() -> harness.values.get(index)), "results of element " + i);
    }
    assertEquals(0, (int) harness.call(() -> harness.duplicates), "elements reported twice");
    assertEquals(0, (int) harness.call(harness.failures::size), "failed elements");
  }

  private void assertViolationLogged(String named) {
    List<String> warnings;
    synchronized (log.list) {
      warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("protocol violation")).toList();
    }
    assertEquals(1, warnings.size(), "violation lines: " + warnings);
    assertTrue(warnings.get(0).contains("stream-map") && warnings.get(0).contains(named), warnings.get(0));
  }

  @Test
  void anEotForAnIdNeverIssued(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> call.write(eot("no-such-id")), "an EOT for id=no-such-id, which was never issued");
  }

  @Test
  void resultsForAnIdAfterItsEot(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> {
      StreamMapTestUdf.answer(call, request);
      call.write(result(request.getId(), "after-eot"));
    }, "after its EOT");
  }

  @Test
  void garbageBytes(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> call.response.writeMessage(GrpcMessage.message("identity",
        Buffer.buffer(new byte[] {8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}))), "MapResponse");
  }

  @Test
  void aMissingHandshake(Vertx vertx) throws Exception {
    udf = TestUdf.tcp(vertx, StreamMapTestUdf::answer);
    MapResponse good = udf.handshakeReply;
    udf.handshakeReply = eot("1"); // the first answer is no handshake
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).mode(UdfMode.STREAM).build());
    java.util.concurrent.atomic.AtomicReference<io.vertx.core.Future<Void>> started = new java.util.concurrent.atomic.AtomicReference<>();
    harness.run(() -> started.set(harness.client.start()));
    harness.awaitUntil("a violation", Duration.ofSeconds(5), () -> harness.client.stats().protocolViolations() >= 1);
    udf.handshakeReply = good;
    harness.awaitUntil("a handshake answered", Duration.ofSeconds(10), () -> started.get().succeeded());
    harness.mapRange(0, N);
    assertAllAnswered();
    List<String> warnings;
    synchronized (log.list) {
      warnings = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("protocol violation")).toList();
    }
    assertTrue(!warnings.isEmpty() && warnings.get(0).contains("stream-map") && warnings.get(0).contains("handshake"),
        "violation lines: " + warnings);
    assertEquals(MapResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build(), good);
  }
}
