package io.flowmesh.examples;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.MapFnCall;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.TestBed;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ExamplesOverTheWireTest {

  private TestBed bed;

  @BeforeEach
  void startBed(Vertx vertx) {
    bed = new TestBed(vertx);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }

  /** Maps one element through {@code handler} over a real gRPC call; returns its answer. */
  private MapResponse mapOne(MapHandler handler, String value, String... keys) throws Exception {
    MapFnCall call = bed.handshaken(bed.start(MapMode.UNARY_MAP, handler));
    MapResponse answer = call.send(element("the-id", value, keys)).awaitResponses(2).get(1);
    assertEquals("the-id", answer.getId());
    return answer;
  }

  private static List<String> values(MapResponse answer) {
    return answer.getResultsList().stream().map(r -> r.getValue().toStringUtf8()).toList();
  }

  @Test
  void catAnswersWithTheSameKeysAndValue() throws Exception {
    MapResponse answer = mapOne(new Cat(), "héllo", "k1", "k2");

    assertEquals(List.of("héllo"), values(answer));
    assertEquals(List.of("k1", "k2"), answer.getResults(0).getKeysList());
    assertEquals(List.of(), answer.getResults(0).getTagsList());
  }

  @Test
  void catWithTagsTagsEveryResultOnTheWire() throws Exception {
    MapResponse answer = mapOne(new Cat("red", "blue"), "v", "k1");

    assertEquals(List.of("v"), values(answer));
    assertEquals(List.of("red", "blue"), answer.getResults(0).getTagsList());
  }

  @Test
  void catWithTagEveryThreeTagsTheFirstFourthAndSeventhResult() throws Exception {
    MapFnCall call = bed.handshaken(bed.start(MapMode.UNARY_MAP, new Cat(3, "rare")));
    for (int i = 0; i < 7; i++) {
      call.send(element("e" + i, "v" + i));
    }
    List<String> tagged = call.awaitResponses(8).stream().skip(1).filter(r -> !r.getResults(0).getTagsList().isEmpty())
        .map(r -> r.getId() + "=" + r.getResults(0).getTagsList()).sorted().toList();
    assertEquals(List.of("e0=[rare]", "e3=[rare]", "e6=[rare]"), tagged);
  }

  @Test
  void uppercaseUpperCasesTheValueAndKeepsTheKeys() throws Exception {
    MapResponse answer = mapOne(new Uppercase(), "mixed Case ß", "key");

    assertEquals(List.of("MIXED CASE SS"), values(answer));
    assertEquals(List.of("key"), answer.getResults(0).getKeysList());
  }

  @Test
  void flatmapSplitsOnCommasByDefaultKeepingEmptyParts() throws Exception {
    MapResponse answer = mapOne(new FlatMap(","), "a,b,,c", "k");

    assertEquals(List.of("a", "b", "", "c"), values(answer));
    assertEquals(List.of("k"), answer.getResults(3).getKeysList());
  }

  @Test
  void flatmapSplitsOnALiteralMultiCharacterSeparator() throws Exception {
    assertEquals(List.of("x", "y.z"), values(mapOne(new FlatMap(".."), "x..y.z")));
  }

  @Test
  void filterDropsValuesContainingTheTextWithTheDropTagAndPassesTheRest() throws Exception {
    MapResponse dropped = mapOne(Filter.containing("secret"), "a secret value");
    MapResponse kept = mapOne(Filter.containing("secret"), "public value");

    assertEquals(List.of(MapResult.DROP_TAG), dropped.getResults(0).getTagsList());
    assertEquals(List.of("public value"), values(kept));
    assertEquals(List.of(), kept.getResults(0).getTagsList());
  }

  @Test
  void filterWithARegexDropsValuesItFindsAMatchIn() throws Exception {
    MapResponse dropped = mapOne(Filter.matching("^[0-9]+$"), "12345");
    MapResponse kept = mapOne(Filter.matching("^[0-9]+$"), "123a");

    assertEquals(List.of(MapResult.DROP_TAG), dropped.getResults(0).getTagsList());
    assertEquals(List.of("123a"), values(kept));
  }

  @Test
  void latencyPassesTheValueThroughAfterItsTimer() throws Exception {
    Latency latency = new Latency(bed.vertx(), LatencyDistribution.parse("50%:1ms,50%:2ms"), new SplittableRandom(1));

    MapResponse answer = mapOne(latency, "slow", "k");

    assertEquals(List.of("slow"), values(answer));
    assertEquals(List.of("k"), answer.getResults(0).getKeysList());
  }

  @Test
  void catInBatchModeAnswersTheBatchThenTheEndOfTransmission() throws Exception {
    MapFnCall call = bed.handshaken(bed.start(MapMode.BATCH_MAP, new Cat()));

    call.send(element("1", "a")).send(element("2", "b")).send(MapFnCall.endOfTransmission());
    List<MapResponse> responses = call.awaitResponses(4);

    assertEquals(List.of("a"), values(responses.get(1)));
    assertEquals(List.of("b"), values(responses.get(2)));
    assertEquals(true, responses.get(3).getStatus().getEot());
  }
}
