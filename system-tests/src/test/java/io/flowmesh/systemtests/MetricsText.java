package io.flowmesh.systemtests;

import io.flowmesh.runtime.service.PromText;

/**
 * Reads a vertex's {@code /metrics} with the project's parser ({@link PromText}), strictly: a
 * line that is not a valid sample fails the test, since every line a vertex serves must be one.
 */
final class MetricsText {

  private MetricsText() {
  }

  static PromText.Parsed parse(String text) {
    PromText.Parsed p = PromText.parse(text);
    if (p.skipped() > 0) {
      for (String line : text.split("\n")) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#") && PromText.parse(l).skipped() > 0) {
          throw new AssertionError("not a Prometheus sample line: " + l);
        }
      }
    }
    return p;
  }
}
