package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static io.flowmesh.udf.MapFnCall.handshake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(VertxExtension.class)
class HandshakeTest {

  private TestBed bed;

  @BeforeEach
  void startBed(Vertx vertx) {
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }

  private static final MapHandler CAT = d -> Future.succeededFuture(List.of(MapResult.passThrough(d)));

  @ParameterizedTest
  @EnumSource(MapMode.class)
  void aStreamWhoseFirstRequestIsNotAHandshakeIsRejectedWithInvalidArgument(MapMode mode) throws Exception {
    UdfServer server = bed.start(mode, CAT);
    GrpcClient client = bed.client();

    MapFnCall call = MapFnCall.open(client, TestBed.address(server));
    call.send(element("1", "hello"));

    assertEquals(GrpcStatus.INVALID_ARGUMENT, call.awaitStatus());
    assertTrue(call.statusMessage().contains("handshake"), call.statusMessage());
    assertEquals(List.of(), call.responses());
  }

  @Test
  void aHandshakeWithSotFalseIsRejectedWithInvalidArgument() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    MapFnCall call = MapFnCall.open(bed.client(), TestBed.address(server));

    call.send(MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(false)).build());

    assertEquals(GrpcStatus.INVALID_ARGUMENT, call.awaitStatus());
  }

  @ParameterizedTest
  @EnumSource(MapMode.class)
  void theHandshakeIsAnsweredWithSotTrueAndNothingElse(MapMode mode) throws Exception {
    UdfServer server = bed.start(mode, CAT);
    MapFnCall call = MapFnCall.open(bed.client(), TestBed.address(server));

    call.send(handshake());
    MapResponse answer = call.awaitResponses(1).get(0);

    assertTrue(answer.getHandshake().getSot());
    assertEquals("", answer.getId());
    assertEquals(0, answer.getResultsCount());
  }

  @Test
  void aSecondHandshakeOnTheSameStreamIsRejectedWithInvalidArgument() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    call.send(handshake());

    assertEquals(GrpcStatus.INVALID_ARGUMENT, call.awaitStatus());
  }
}
