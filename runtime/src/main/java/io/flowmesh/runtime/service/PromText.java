package io.flowmesh.runtime.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Prometheus text (version 0.0.4, what a vertex's {@code /metrics} serves) into samples:
 * the one parser of the project (the console, the pipeline runner's progress line and the system
 * tests read scrapes with it). A sample's optional timestamp is read past, not taken for the value.
 * {@code # HELP} and {@code # TYPE} lines are collected by name, other comments skipped; a line
 * that is not a sample is counted in {@link Parsed#skipped()} rather than failing the whole read.
 */
public final class PromText {

  /** One sample: a metric name, its labels in order, its value. */
  public record Sample(String name, Map<String, String> labels, double value) {

    public String label(String key) {
      return labels.get(key);
    }
  }

  /**
   * The samples of one scrape, how many lines were not samples, and the names that have a
   * {@code # HELP} and a {@code # TYPE} line.
   */
  public record Parsed(List<Sample> samples, int skipped, Set<String> helped, Set<String> typed) {

    /** The samples of {@code name}. */
    public List<Sample> named(String name) {
      return samples.stream().filter(s -> s.name.equals(name)).toList();
    }

    /** The sum of every sample of {@code name}; 0 when there is none. */
    public double sum(String name) {
      double t = 0;
      for (Sample s : samples) {
        if (s.name.equals(name)) {
          t += s.value;
        }
      }
      return t;
    }

    /** The sum of the samples of {@code name} whose label {@code key} is {@code value}. */
    public double sum(String name, String key, String value) {
      double t = 0;
      for (Sample s : samples) {
        if (s.name.equals(name) && value.equals(s.labels.get(key))) {
          t += s.value;
        }
      }
      return t;
    }

    /** The sum of the samples of {@code name} that have all of {@code labels}. */
    public double sum(String name, Map<String, String> labels) {
      double t = 0;
      for (Sample s : samples) {
        if (s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet())) {
          t += s.value;
        }
      }
      return t;
    }

    /** Whether any sample is named {@code name}. */
    public boolean has(String name) {
      return samples.stream().anyMatch(s -> s.name.equals(name));
    }

    /** Whether a sample of {@code name} has all of {@code labels}. */
    public boolean has(String name, Map<String, String> labels) {
      return samples.stream().anyMatch(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()));
    }

    /** Every sample name, e.g. {@code flowmesh_map_udf_call_seconds_bucket}. */
    public Set<String> sampleNames() {
      Set<String> names = new HashSet<>();
      samples.forEach(s -> names.add(s.name));
      return names;
    }
  }

  private PromText() {
  }

  public static Parsed parse(String text) {
    List<Sample> out = new ArrayList<>();
    Set<String> helped = new HashSet<>();
    Set<String> typed = new HashSet<>();
    int skipped = 0;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("# HELP ")) {
        helped.add(word(line, 7));
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        typed.add(word(line, 7));
        continue;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample s = sample(line);
      if (s == null) {
        skipped++;
      } else {
        out.add(s);
      }
    }
    return new Parsed(List.copyOf(out), skipped, Set.copyOf(helped), Set.copyOf(typed));
  }

  private static String word(String line, int from) {
    int end = line.indexOf(' ', from);
    return end < 0 ? line.substring(from) : line.substring(from, end);
  }

  /** One sample line, or null when it is not one. */
  static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    if (i == 0 || i == line.length()) {
      return null;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (line.charAt(i) == '{') {
      i++;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String key = line.substring(i, eq).strip();
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
        }
        if (j >= line.length()) {
          return null;
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      if (i >= line.length()) {
        return null;
      }
      i++;
    }
    String rest = line.substring(i).strip();
    int space = rest.indexOf(' ');
    String value = space < 0 ? rest : rest.substring(0, space);
    try {
      return new Sample(name, labels, parseValue(value));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }
}
