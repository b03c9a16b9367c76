package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDF that sends garbage on its first stream only: the client must count one violation,
 * cancel that stream, resend on a new one, and answer each element exactly once.
 */
@ExtendWith(VertxExtension.class)
class UdfClientGarbageTest {

  private static final int N = 200;

  private TestUdf udf;
  private ClientHarness harness;

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    udf.stop();
  }

  /** Echoes, with answers delayed so elements are in flight, and sends {@code garbage} after the 50th request of stream 1. */
  private void run(Vertx vertx, GarbageSender garbage) throws Exception {
    udf = TestUdf.tcp(vertx, (call, request) -> {
      call.vertx.setTimer(30, id -> call.echo(request));
      if (call.number == 1 && call.requests == 51) {
        garbage.send(call, request);
      }
    });
    harness = new ClientHarness(vertx, TestConfigs.fast(udf.address()).build());
    harness.start();
    harness.mapRange(0, N);
    harness.awaitAllCompleted(N, Duration.ofSeconds(10));
    UdfStats stats = harness.client.stats();
    assertEquals(1, stats.protocolViolations(), "violations");
    assertEquals(N, (int) harness.call(harness.answers::size), "answered");
    assertEquals(0, (int) harness.call(harness.failures::size), "failed");
    assertEquals(N, stats.responsesReceived(), "delivered responses");
    assertTrue(udf.streams.get() >= 2, "the client opened a new stream");
  }

  private interface GarbageSender {
    void send(TestUdf.Call call, io.flowmesh.proto.udf.map.v1.MapRequest request);
  }

  @Test
  void aResponseForAnIdNeverIssuedIsAViolationAndNothingIsLostOrDoubled(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> call.write(MapResponse.newBuilder().setId("no-such-id").build()));
  }

  @Test
  void aSecondAnswerToAUnaryIdIsAViolationAndIsNotDelivered(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> {
      call.echo(request);
      call.echo(request);
    });
  }

  @Test
  void aResponseWithNeitherIdNorHandshakeIsAViolation(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> call.write(MapResponse.getDefaultInstance()));
  }

  @Test
  void aBodyThatIsNotGrpcFramingIsAViolation(Vertx vertx) throws Exception {
    run(vertx, (call, request) -> call.response.writeMessage(io.vertx.grpc.common.GrpcMessage.message(
        "identity", io.vertx.core.buffer.Buffer.buffer(new byte[] {8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}))));
  }
}
