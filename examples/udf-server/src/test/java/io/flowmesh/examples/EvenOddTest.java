package io.flowmesh.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.udf.Datum;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvenOddTest {

  private static List<String> tags(String value) {
    return EvenOdd.tag(Datum.of("id", List.of(), value)).result().get(0).tags();
  }

  @Test
  void aDecimalNumberIsTaggedByItsParity() {
    assertEquals(List.of("even"), tags("0"));
    assertEquals(List.of("odd"), tags("7"));
    assertEquals(List.of("even"), tags("1234"));
    assertEquals(List.of("odd"), tags("99999"));
  }

  @Test
  void anyOtherValueIsTaggedByItsLastByteSoRandomPayloadsSplitAndAnEmptyOneStaysUntagged() {
    assertEquals(List.of("odd"), tags("abc"));   // 'c' = 99
    assertEquals(List.of("even"), tags("abcd")); // 'd' = 100
    assertEquals(List.of(), tags(""));
    java.util.Random random = new java.util.Random(7);
    int even = 0;
    for (int i = 0; i < 10_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < 20; j++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      if (tags(b.toString()).equals(List.of("even"))) {
        even++;
      }
    }
    assertEquals(5_000, even, 300, "random letters split about half and half");
  }
}
