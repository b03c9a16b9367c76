package com.example.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler alone, without a server: a Datum in, the results out. */
class TagByLengthTest {

  private final TagByLength udf = new TagByLength(5);

  private MapResult only(String value) {
    List<MapResult> results = udf.apply(Datum.of("id-1", List.of("k"), value)).result();
    assertEquals(1, results.size(), "results for '" + value + "'");
    return results.get(0);
  }

  @Test
  void upperCasesAndTagsByLengthKeepingTheKeys() {
    MapResult shortOne = only("abc");
    assertEquals("ABC", shortOne.value().toStringUtf8());
    assertEquals(List.of("short"), shortOne.tags());
    assertEquals(List.of("k"), shortOne.keys());

    MapResult longOne = only("abcdef");
    assertEquals("ABCDEF", longOne.value().toStringUtf8());
    assertEquals(List.of("long"), longOne.tags());
  }

  @Test
  void dropsBlankValues() {
    assertTrue(only("  ").isDrop());
  }
}
