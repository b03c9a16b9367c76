package io.flowmesh.examples.readme;

import static io.flowmesh.udf.MapFnCall.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.MapFnCall;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.TestBed;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ReverseTest {

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
  void theReadmeShowsExactlyThisCompiledExample() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String source = Files.readString(Path.of("src/test/java/io/flowmesh/examples/readme/Reverse.java"));

    assertTrue(readme.contains("```java\n" + source + "```\n"), "README.md and Reverse.java differ");
  }

  @Test
  void theReadmeExampleReversesValuesCutsThemShortAndDropsEmptyOnes() throws Exception {
    MapFnCall call = bed.handshaken(bed.start(MapMode.UNARY_MAP, new Reverse(3)));

    List<MapResponse> answers = call.send(element("1", "abcdef", "k")).send(element("2", "")).awaitResponses(3);

    assertEquals("fed", answers.get(1).getResults(0).getValue().toStringUtf8());
    assertEquals(List.of("k"), answers.get(1).getResults(0).getKeysList());
    assertEquals(List.of(MapResult.DROP_TAG), answers.get(2).getResults(0).getTagsList());
  }
}
