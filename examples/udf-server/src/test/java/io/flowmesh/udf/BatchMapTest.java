package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static io.flowmesh.udf.MapFnCall.endOfTransmission;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BatchMapTest {

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

  @Test
  void nothingIsAnsweredBeforeTheEndOfTransmission() throws Exception {
    AtomicInteger mapped = new AtomicInteger();
    MapHandler recording = d -> {
      mapped.incrementAndGet();
      return CAT.apply(d);
    };
    UdfServer server = bed.start(MapMode.BATCH_MAP, recording);
    GrpcClient client = bed.client();
    MapFnCall call = MapFnCall.handshaken(client, TestBed.address(server));

    call.send(element("1", "a")).send(element("2", "b"));
    // IsReady on another stream of the same connection is served after the two elements were read.
    MapFnCall.isReady(client, TestBed.address(server));

    assertEquals(1, call.responses().size());
    assertEquals(0, mapped.get());
    call.send(endOfTransmission());
    assertTrue(call.awaitResponses(4).get(3).getStatus().getEot());
    assertEquals(2, mapped.get());
  }

  @Test
  void everyIdOfTheBatchIsAnsweredOnceThenOneEndOfTransmission() throws Exception {
    UdfServer server = bed.start(MapMode.BATCH_MAP, CAT);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    int n = 500;

    for (int i = 0; i < n; i++) {
      call.send(element(Integer.toString(i), "v" + i));
    }
    call.send(endOfTransmission());
    List<MapResponse> responses = call.awaitResponses(1 + n + 1);

    Set<String> ids = new TreeSet<>();
    for (MapResponse answer : responses.subList(1, 1 + n)) {
      assertTrue(ids.add(answer.getId()), "answered twice: " + answer.getId());
      assertEquals("v" + answer.getId(), answer.getResults(0).getValue().toStringUtf8());
      assertTrue(!answer.hasStatus());
    }
    assertEquals(n, ids.size());
    assertTrue(responses.get(n + 1).getStatus().getEot(), "the last response is the EOT");
  }

  @Test
  void twoBatchesOnOneStreamAreEachClosedByTheirOwnEndOfTransmission() throws Exception {
    UdfServer server = bed.start(MapMode.BATCH_MAP, CAT);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    call.send(element("a1", "x")).send(element("a2", "x")).send(endOfTransmission());
    call.send(element("b1", "x")).send(endOfTransmission());
    call.send(endOfTransmission());
    List<MapResponse> responses = call.awaitResponses(1 + 3 + 2 + 1);

    List<String> shape = responses.subList(1, responses.size()).stream()
        .map(r -> r.hasStatus() ? "EOT" : r.getId().substring(0, 1))
        .toList();
    assertEquals(List.of("a", "a", "EOT", "b", "EOT", "EOT"), shape);
  }

  @Test
  void concurrentStreamsEachGetTheirOwnBatchAnswered() throws Exception {
    UdfServer server = bed.start(MapMode.BATCH_MAP, CAT);
    GrpcClient client = bed.client();
    List<MapFnCall> calls = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      calls.add(MapFnCall.handshaken(client, TestBed.address(server)));
    }

    for (int s = 0; s < calls.size(); s++) {
      calls.get(s).send(element("s" + s + "-1", "v")).send(element("s" + s + "-2", "v")).send(endOfTransmission());
    }

    for (int s = 0; s < calls.size(); s++) {
      List<MapResponse> responses = calls.get(s).awaitResponses(4);
      String prefix = "s" + s + "-";
      assertTrue(responses.get(1).getId().startsWith(prefix) && responses.get(2).getId().startsWith(prefix));
      assertTrue(responses.get(3).getStatus().getEot());
    }
  }

  @Test
  void theCallEndsWithOkWhenTheClientEndsAfterItsLastBatch() throws Exception {
    UdfServer server = bed.start(MapMode.BATCH_MAP, CAT);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    call.send(element("1", "v")).send(endOfTransmission());
    call.end();

    assertEquals(GrpcStatus.OK, call.awaitStatus());
    assertEquals(3, call.responses().size());
  }
}
