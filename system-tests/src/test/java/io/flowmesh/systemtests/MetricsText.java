package io.flowmesh.systemtests;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text-format scrape: its samples and its HELP and TYPE lines. */
final class MetricsText {

  /** One sample line: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Sample> samples = new ArrayList<>();
  private final Set<String> help = new HashSet<>();
  private final Set<String> types = new HashSet<>();

  private MetricsText(String text) {
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        help.add(line.split(" ")[2]);
      } else if (line.startsWith("# TYPE ")) {
        types.add(line.split(" ")[2]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("not a Prometheus sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
      }
    }
  }

  static MetricsText parse(String text) {
    return new MetricsText(text);
  }

  List<Sample> samples() {
    return samples;
  }

  /** Names that have a {@code # HELP} line. */
  Set<String> helped() {
    return help;
  }

  Set<String> typed() {
    return types;
  }

  /** Every sample name, e.g. {@code flowmesh_map_udf_call_seconds_bucket}. */
  Set<String> sampleNames() {
    Set<String> names = new HashSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** True when a sample of {@code name} has all of {@code labels}. */
  boolean has(String name, Map<String, String> labels) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()));
  }

  /** The sum of the samples of {@code name}. */
  double sum(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
  }

  /** The sum of the samples of {@code name} that have all of {@code labels}. */
  double sum(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }
}
