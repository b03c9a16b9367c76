package io.flowmesh.source.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdSequenceTest {

  @Test
  void idsAsBytesAreTheSameTextAsIdsAsStrings() {
    for (String prefix : new String[] {"gen", "génér", ""}) {
      IdSequence text = new IdSequence(prefix);
      IdSequence bytes = new IdSequence(prefix);
      for (int i = 0; i < 12_345; i++) {
        String expected = text.next();
        assertEquals(expected, bytes.nextBytes().toStringUtf8());
      }
      assertEquals(prefix + "-12345", bytes.nextBytes().toStringUtf8());
      assertEquals(12_346, bytes.issued());
    }
  }

  @Test
  void aRandomPrefixIsTwelveHexDigits() {
    IdSequence ids = new IdSequence(null);
    assertTrue(ids.prefix().matches("[0-9a-f]{12}"), ids.prefix());
    assertEquals(ids.prefix() + "-0", ids.nextBytes().toStringUtf8());
  }
}
