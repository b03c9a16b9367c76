package io.flowmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code alloc-breakdown} measures every step, and the bytes it reports follow the message size where a step copies nothing. */
class AllocBreakdownTest {

  @Test
  void everyStepIsMeasuredAndAliasedParsingDoesNotGrowWithTheValue() throws Exception {
    Map<String, Double> small = AllocBreakdown.measure(100);
    Map<String, Double> large = AllocBreakdown.measure(20_000);
    assertEquals(5, small.size(), small.toString());
    assertEquals(List.copyOf(small.keySet()), List.copyOf(large.keySet()));
    small.forEach((step, bytes) -> assertTrue(bytes > 0, step + " allocated nothing: " + small));
    // values are slices of the frame: a 200x larger value costs (about) the same bytes
    String answer = "UDF answer parse (MapResponse, one result)";
    assertTrue(large.get(answer) < small.get(answer) + 64, "aliased parse copied the value: " + small + " vs " + large);
  }
}
