package io.flowmesh.udf;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream-map mode: 0..n responses per id, then that id's EOT, many ids in flight at once. */
class StreamMapTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private TestBed bed;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Streams "<value>:<i>" for i < the value's length, one result per timer tick: ids interleave. */
  private StreamMapHandler ticking() {
    return (datum, out) -> {
      String v = datum.valueUtf8();
      tick(datum, out, v, 0);
    };
  }

  private void tick(Datum datum, ResultStream out, String v, int i) {
    if (i == v.length()) {
      out.end();
      return;
    }
    out.send(MapResult.of(datum.keys(), ByteString.copyFromUtf8(v + ":" + i)));
    vertx.setTimer(1, t -> tick(datum, out, v, i + 1));
  }

  private UdfServer streamServer(String address, StreamMapHandler handler) throws Exception {
    return bed.started(UdfServer.create(vertx, UdfServerOptions.of(address).withMode(MapMode.STREAM_MAP)).streamHandler(handler));
  }

  /** The responses of each id in arrival order, the EOT as "EOT"; fails on a response after its id's EOT. */
  private static Map<String, List<String>> byId(List<MapResponse> responses) {
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (MapResponse r : responses) {
      List<String> seen = byId.computeIfAbsent(r.getId(), id -> new ArrayList<>());
      assertTrue(seen.isEmpty() || !seen.get(seen.size() - 1).equals("EOT"), "a response after the EOT of " + r.getId());
      if (r.hasStatus() && r.getStatus().getEot()) {
        assertEquals(0, r.getResultsCount(), "an EOT carries no results");
        seen.add("EOT");
      } else {
        r.getResultsList().forEach(result -> seen.add(result.getValue().toStringUtf8() + "@" + result.getKeysList()));
      }
    }
    return byId;
  }

  @Test
  void eachIdGetsItsResultsThenItsOwnEotWhileManyIdsAreInFlightOverAUnixSocket() throws Exception {
    UdfServer server = streamServer("unix://" + dir.resolve("mapstream.sock"), ticking());
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    int n = 200;
    int expected = 0;
    for (int i = 0; i < n; i++) {
      String value = "v".repeat(i % 4); // 0..3 results each
      call.send(element("id-" + i, value, "k" + i));
      expected += value.length() + 1;
    }
    List<MapResponse> responses = call.awaitResponses(1 + expected).subList(1, 1 + expected);

    Map<String, List<String>> byId = byId(responses);
    assertEquals(n, byId.size());
    for (int i = 0; i < n; i++) {
      List<String> want = new ArrayList<>();
      String value = "v".repeat(i % 4);
      for (int j = 0; j < value.length(); j++) {
        want.add(value + ":" + j + "@[k" + i + "]");
      }
      want.add("EOT");
      assertEquals(want, byId.get("id-" + i), "id-" + i);
    }
    // in flight at once: at some point several ids had answered and not yet sent their EOT (which
    // pair overlaps depends on how the requests were read, so no particular pair is asked for)
    Set<String> open = new HashSet<>();
    int mostOpen = 0;
    for (MapResponse r : responses) {
      if (r.hasStatus() && r.getStatus().getEot()) {
        open.remove(r.getId());
      } else {
        open.add(r.getId());
        mostOpen = Math.max(mostOpen, open.size());
      }
    }
    assertTrue(mostOpen > 1, "ids interleave: " + responses.stream().map(MapResponse::getId).toList().subList(0, 12));
    call.end();
    assertEquals(GrpcStatus.OK, call.awaitStatus());
  }

  @Test
  void resultsSentFromAnotherThreadGoOutInOrderAndAUnaryHandlerAnswersInOneResponseThenEot() throws Exception {
    UdfServer threads = streamServer("tcp://127.0.0.1:0", (datum, out) -> CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 50; i++) {
        out.send(MapResult.ofUtf8(Integer.toString(i)));
      }
      out.end();
    }));
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(threads));
    List<MapResponse> responses = call.send(element("x", "")).awaitResponses(1 + 51).subList(1, 52);
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      want.add(i + "@[]");
    }
    want.add("EOT");
    assertEquals(Map.of("x", want), byId(responses));

    UdfServer unary = bed.started(UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.STREAM_MAP))
        .handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d), MapResult.ofUtf8("b")))));
    MapFnCall second = MapFnCall.handshaken(bed.client(), TestBed.address(unary));
    assertEquals(Map.of("y", List.of("a@[k]", "b@[]", "EOT")), byId(second.send(element("y", "a", "k")).awaitResponses(3).subList(1, 3)));
  }

  @Test
  void aFailingHandlerEndsTheStreamWithInternalAndASecondEndIsRefused() throws Exception {
    CompletableFuture<IllegalStateException> secondEnd = new CompletableFuture<>();
    UdfServer server = streamServer("tcp://127.0.0.1:0", (datum, out) -> {
      if (datum.valueUtf8().equals("boom")) {
        throw new NoBoom("no boom here");
      }
      out.end();
      secondEnd.complete(assertThrows(IllegalStateException.class, out::end));
    });
    MapFnCall call = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    call.send(element("ok", "fine")).awaitResponses(2);
    assertEquals("ResultStream.end() for element id=ok after it ended", secondEnd.get(10, TimeUnit.SECONDS).getMessage());

    call.send(element("bad", "boom"));
    assertEquals(GrpcStatus.INTERNAL, call.awaitStatus());
    assertEquals("UDF_EXECUTION_ERROR(map): NoBoom: no boom here", call.statusMessage());
    // the server keeps serving new streams
    MapFnCall next = MapFnCall.handshaken(bed.client(), TestBed.address(server));
    assertEquals(Map.of("again", List.of("EOT")), byId(next.send(element("again", "x")).awaitResponses(2).subList(1, 2)));
  }

  @Test
  void aStreamFunctionOutsideStreamMapModeIsRefusedAtStartAndTheServerInfoFileSaysStreamMap() throws Exception {
    UdfServer wrong = UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0")).streamHandler((d, out) -> out.end());
    Exception e = assertThrows(Exception.class, () -> wrong.start().await(10, TimeUnit.SECONDS));
    assertEquals("a stream-map function cannot serve mode unary-map: use --mode stream-map (and map.mode=stream-map on map-service)",
        e.getMessage());

    Path info = dir.resolve("mapper-server-info");
    bed.started(UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.STREAM_MAP)
        .withServerInfoFile(info)).streamHandler((d, out) -> out.end()));
    assertTrue(Files.readString(info).contains("\"MAP_MODE\":\"stream-map\""), Files.readString(info));
  }

  /** A deliberate failure without a stack trace (the server logs it; a trace would clutter the test log). */
  private static final class NoBoom extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NoBoom(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
