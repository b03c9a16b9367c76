package io.flowmesh.examples;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.MapFnCall;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.TestBed;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WordsTest {

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
  void piecesAreTheWordsOrChunksOfTheValue() {
    assertEquals(List.of("two", "words"), Words.pieces("  two \t words ", 0));
    assertEquals(List.of("abc", "def", "gh"), Words.pieces("abcdefgh", 3));
    assertEquals(List.of(), Words.pieces("   ", 0));
  }

  @Test
  void eachPieceGoesOutInItsOwnResponseAfterThePauseThenTheEotWithTheId() throws Exception {
    Vertx vertx = bed.vertx();
    UdfServer server = bed.started(UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(MapMode.STREAM_MAP))
        .streamHandler(new Words(vertx, Duration.ofMillis(20), 3)));
    MapFnCall call = bed.handshaken(server);
    long sent = System.nanoTime();
    List<MapResponse> responses = call.send(element("e1", "abcdefgh", "k")).awaitResponses(5).subList(1, 5);
    long tookMillis = (System.nanoTime() - sent) / 1_000_000;

    assertEquals(List.of("abc", "def", "gh"), responses.subList(0, 3).stream()
        .map(r -> r.getResults(0).getValue().toStringUtf8()).toList());
    for (MapResponse r : responses.subList(0, 3)) {
      assertEquals("e1", r.getId());
      assertEquals(1, r.getResultsCount());
      assertEquals(List.of("k"), r.getResults(0).getKeysList());
    }
    assertEquals("e1", responses.get(3).getId());
    assertTrue(responses.get(3).getStatus().getEot(), "the last response is the id's EOT: " + responses.get(3));
    assertTrue(tookMillis >= 40, "two pauses of 20 ms between three pieces, took " + tookMillis + " ms");
  }
}
