package io.flowmesh.pipeline.run;

/** Reads sums out of Prometheus text. */
final class MetricsText {

  private MetricsText() {
  }

  /** The sum of every sample of {@code name} (with any labels); 0 when there is none. */
  static double sum(String text, String name) {
    double total = 0;
    int from = 0;
    while (from < text.length()) {
      int end = text.indexOf('\n', from);
      if (end < 0) {
        end = text.length();
      }
      if (text.startsWith(name, from)) {
        int after = from + name.length();
        char c = after < end ? text.charAt(after) : '\n';
        if (c == ' ' || c == '{') {
          int space = text.lastIndexOf(' ', end - 1);
          if (space > from) {
            try {
              total += Double.parseDouble(text.substring(space + 1, end).strip());
            } catch (NumberFormatException e) {
              // not a sample line
            }
          }
        }
      }
      from = end + 1;
    }
    return total;
  }
}
