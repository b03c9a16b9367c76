package io.flowmesh.pipeline.spec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes/Go durations as Numaflow's specs write them: {@code 1s}, {@code 500ms}, {@code 1m30s}, {@code 2h}. */
final class DurationText {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private DurationText() {
  }

  /** The duration in milliseconds; 0 and a problem naming {@code where} when it is not one. */
  static long millis(String text, String where, Fields reportTo) {
    String t = text.strip();
    Matcher m = PART.matcher(t);
    double ms = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      ms += switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
      end = m.end();
    }
    if (end == 0 || end != t.length()) {
      reportTo.problem(where + " '" + text + "' is not a duration such as 500ms, 1s, 1m30s or 2h");
      return 0;
    }
    return Math.round(ms);
  }
}
