package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a stream-map run of the 8-character pieces UDFs must leave in the sink file. */
final class StreamPieces {

  private StreamPieces() {
  }

  /** Every input {@code <prefix>-<i>} split into {@code pieces} ids {@code /0..}, each once, each 8 characters. */
  static void assertEveryPieceOnce(SinkFile out, String prefix, int count, int pieces) {
    Map<String, String> values = out.values();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < count && missing.size() < 10; i++) {
      for (int j = 0; j < pieces; j++) {
        String value = values.get(prefix + "-" + i + "/" + j);
        if (value == null || value.length() != 8) {
          missing.add(prefix + "-" + i + "/" + j + "=" + value);
        }
      }
    }
    assertEquals(List.of(), missing, "pieces missing or of the wrong length (first 10)");
    assertEquals(count * pieces, out.distinctIds(), "distinct ids (no id beyond <input>/0.." + (pieces - 1) + ")");
    assertEquals(count * pieces, out.lines(), "lines: a piece written twice, e.g. " + out.duplicates().entrySet().stream().limit(3).toList());
  }
}
