package io.flowmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code alloc-breakdown} measures every step, and the parses it measures alias values instead of copying them. */
class AllocBreakdownTest {

  @Test
  void everyStepIsMeasuredAndAliasedParsingDoesNotGrowWithTheValue() throws Exception {
    Map<String, Double> small = AllocBreakdown.measure(100);
    Map<String, Double> large = AllocBreakdown.measure(20_000);
    assertEquals(5, small.size(), small.toString());
    assertEquals(List.copyOf(small.keySet()), List.copyOf(large.keySet()));
    small.forEach((step, bytes) -> assertTrue(bytes > 0, step + " allocated nothing: " + small));
    // values are slices of the frame: a 200x larger value costs (about) the same bytes, in both parses
    for (String parse : List.of("edge batch parse (256 messages), per message", "UDF answer read (MapAnswerDecoder, one result)",
        "  the same with the generated parser (MapResponse)")) {
      assertTrue(large.get(parse) < small.get(parse) + 64, parse + " copied the value: " + small + " vs " + large);
    }
    double hand = small.get("UDF answer read (MapAnswerDecoder, one result)");
    double generated = small.get("  the same with the generated parser (MapResponse)");
    assertTrue(hand * 2 < generated, "map-service's reader allocates under half of the generated parser's bytes: "
        + hand + " vs " + generated);
  }
}
