package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UnaryMapTest {

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
  void everyIdIsAnsweredExactlyOnceWithItsOwnValue() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    int n = 2000;

    for (int i = 0; i < n; i++) {
      call.send(element("id-" + i, "value-" + i, "k" + i));
    }
    List<MapResponse> answers = call.awaitResponses(1 + n).subList(1, 1 + n);

    Map<String, Long> countById = answers.stream().collect(Collectors.groupingBy(MapResponse::getId, Collectors.counting()));
    assertEquals(n, countById.size());
    assertTrue(countById.values().stream().allMatch(c -> c == 1), "an id was answered twice");
    for (MapResponse answer : answers) {
      String i = answer.getId().substring("id-".length());
      assertEquals(1, answer.getResultsCount());
      assertEquals("value-" + i, answer.getResults(0).getValue().toStringUtf8());
      assertEquals(List.of("k" + i), answer.getResults(0).getKeysList());
    }
  }

  @Test
  void answersAreWrittenInTheOrderHandlersCompleteNotTheOrderRequestsCame() throws Exception {
    Map<String, Promise<List<MapResult>>> pending = new ConcurrentHashMap<>();
    MapHandler later = d -> {
      Promise<List<MapResult>> promise = Promise.promise();
      pending.put(d.id(), promise);
      return promise.future();
    };
    UdfServer server = bed.start(MapMode.UNARY_MAP, later);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    call.send(element("a", "1")).send(element("b", "2")).send(element("c", "3"));
    awaitSize(pending, 3);

    // Completed from the test thread, not the event loop: the server must hop back itself.
    pending.get("c").complete(List.of(MapResult.ofUtf8("C")));
    call.awaitResponses(2);
    pending.get("a").complete(List.of(MapResult.ofUtf8("A")));
    call.awaitResponses(3);
    pending.get("b").complete(List.of(MapResult.ofUtf8("B")));

    List<String> order = call.awaitResponses(4).subList(1, 4).stream().map(MapResponse::getId).toList();
    assertEquals(List.of("c", "a", "b"), order);
  }

  @Test
  void resultsCarryTheirKeysValuesAndTagsAndSeveralResultsShareOneAnswer() throws Exception {
    MapHandler two = d -> Future.succeededFuture(List.of(
        new MapResult(List.of("x", "y"), ByteString.copyFromUtf8("first"), List.of("even")),
        MapResult.ofUtf8("second")));
    UdfServer server = bed.start(MapMode.UNARY_MAP, two);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    MapResponse answer = call.send(element("1", "ignored")).awaitResponses(2).get(1);

    assertEquals(2, answer.getResultsCount());
    assertEquals(List.of("x", "y"), answer.getResults(0).getKeysList());
    assertEquals("first", answer.getResults(0).getValue().toStringUtf8());
    assertEquals(List.of("even"), answer.getResults(0).getTagsList());
    assertEquals("second", answer.getResults(1).getValue().toStringUtf8());
    assertEquals(List.of(), answer.getResults(1).getTagsList());
  }

  @Test
  void aDroppedElementIsAnsweredWithOneResultTaggedWithTheDropTag() throws Exception {
    MapHandler dropAll = d -> Future.succeededFuture(List.of(MapResult.drop()));
    UdfServer server = bed.start(MapMode.UNARY_MAP, dropAll);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    MapResponse answer = call.send(element("1", "v")).awaitResponses(2).get(1);

    assertEquals("1", answer.getId());
    assertEquals(List.of("U+005C__DROP__"), answer.getResults(0).getTagsList());
  }

  @Test
  void aFailingHandlerFailsTheStreamWithInternalAndUdfExecutionError() throws Exception {
    MapHandler failing = d -> {
      throw new Boom("boom on " + d.id());
    };
    UdfServer server = bed.start(MapMode.UNARY_MAP, failing);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));

    call.send(element("7", "v"));

    assertEquals(GrpcStatus.INTERNAL, call.awaitStatus());
    assertTrue(call.statusMessage().startsWith("UDF_EXECUTION_ERROR"), call.statusMessage());
    assertTrue(call.statusMessage().contains("boom on 7"), call.statusMessage());
  }

  @Test
  void theCallEndsWithOkOnceTheClientEndsAndTheLastElementIsAnswered() throws Exception {
    Map<String, Promise<List<MapResult>>> pending = new ConcurrentHashMap<>();
    MapHandler later = d -> {
      Promise<List<MapResult>> promise = Promise.promise();
      pending.put(d.id(), promise);
      return promise.future();
    };
    UdfServer server = bed.start(MapMode.UNARY_MAP, later);
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    call.send(element("1", "v"));
    awaitSize(pending, 1);
    call.end();

    pending.get("1").complete(List.of());

    assertEquals(GrpcStatus.OK, call.awaitStatus());
    assertEquals(2, call.responses().size());
    assertEquals(0, call.responses().get(1).getResultsCount());
  }

  @Test
  void severalConcurrentStreamsAreServedIndependently() throws Exception {
    UdfServer server = bed.start(MapMode.UNARY_MAP, CAT);
    var client = bed.client();
    Map<Integer, MapFnCall> calls = new HashMap<>();
    for (int s = 0; s < 4; s++) {
      calls.put(s, MapFnCall.handshaken(client, TestBed.address(server)));
    }

    calls.forEach((s, call) -> {
      for (int i = 0; i < 100; i++) {
        call.send(element(s + "-" + i, "v"));
      }
    });

    for (var entry : calls.entrySet()) {
      List<MapResponse> answers = entry.getValue().awaitResponses(101).subList(1, 101);
      assertTrue(answers.stream().allMatch(a -> a.getId().startsWith(entry.getKey() + "-")));
    }
  }

  static void awaitSize(Map<?, ?> map, int size) throws InterruptedException {
    long deadline = System.nanoTime() + MapFnCall.TIMEOUT.toNanos();
    while (map.size() < size) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + size + " entries, have " + map.size());
      }
      Thread.sleep(5);
    }
  }

  /** A deliberate failure: without a stack trace, so the UDF's error log of it is one line. */
  private static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String message) {
      super(message, null, false, false);
    }
  }
}
