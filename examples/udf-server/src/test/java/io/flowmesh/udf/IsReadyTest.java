package io.flowmesh.udf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class IsReadyTest {

  private TestBed bed;

  @BeforeEach
  void startBed(Vertx vertx) {
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }

  @Test
  void isReadyAnswersTrueByDefaultAndWhatTheServerWasLastSetTo() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, d -> Future.succeededFuture(List.of()));
    GrpcClient client = bed.client();

    assertTrue(MapFnCall.isReady(client, TestBed.address(server)));
    server.ready(false);
    assertFalse(MapFnCall.isReady(client, TestBed.address(server)));
    server.ready(true);
    assertTrue(MapFnCall.isReady(client, TestBed.address(server)));
  }
}
