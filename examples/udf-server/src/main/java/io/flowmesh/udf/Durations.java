package io.flowmesh.udf;

import java.time.Duration;

/** Parses durations as people write them on a command line: {@code 500us}, {@code 1ms}, {@code 5s}. */
public final class Durations {

  private Durations() {
  }

  /**
   * Parses a non-negative number followed by a unit: {@code ns}, {@code us}, {@code ms},
   * {@code s}, {@code m} or {@code h}; the number may have a fraction ({@code 1.5ms}).
   *
   * @throws UsageException naming the text and the accepted form
   */
  public static Duration parse(String text) {
    String t = text.trim();
    int unitStart = 0;
    while (unitStart < t.length() && (Character.isDigit(t.charAt(unitStart)) || t.charAt(unitStart) == '.')) {
      unitStart++;
    }
    if (unitStart == 0 || unitStart == t.length()) {
      throw bad(text);
    }
    double number;
    try {
      number = Double.parseDouble(t.substring(0, unitStart));
    } catch (NumberFormatException e) {
      throw bad(text);
    }
    long nanosPerUnit = switch (t.substring(unitStart)) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw bad(text);
    };
    return Duration.ofNanos(Math.round(number * nanosPerUnit));
  }

  private static UsageException bad(String text) {
    return new UsageException("duration '" + text + "': expected a number and a unit (ns, us, ms, s, m, h), as in 250ms");
  }
}
