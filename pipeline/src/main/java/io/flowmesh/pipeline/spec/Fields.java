package io.flowmesh.pipeline.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping of the spec, read field by field: each getter marks its field read and records a
 * problem (naming the field's path) when the value has the wrong shape; {@link #rejectRest} then
 * reports every field nobody read, so no field is ever silently ignored.
 *
 * <p>Paths read {@code vertex 'cat': udf.container.image} (the owner, then the path inside it) or
 * {@code spec.lifecycle} at the top.
 */
final class Fields {

  private final String owner;
  private final String path;
  private final Map<?, ?> map;
  private final Set<Object> read = new HashSet<>();
  private final List<String> problems;

  private Fields(String owner, String path, Map<?, ?> map, List<String> problems) {
    this.owner = owner;
    this.path = path;
    this.map = map;
    this.problems = problems;
  }

  /** The mapping {@code node} at {@code path} of {@code owner}; a problem (and an empty mapping) if it is not one. */
  static Fields of(Object node, String owner, String path, List<String> problems) {
    if (node == null) {
      return new Fields(owner, path, Map.of(), problems);
    }
    if (!(node instanceof Map<?, ?> m)) {
      problems.add(where(owner, path) + " must be a mapping (key: value), not " + describe(node));
      return new Fields(owner, path, Map.of(), problems);
    }
    return new Fields(owner, path, m, problems);
  }

  /** The full path of {@code key} here, for messages. */
  String where(String key) {
    return where(owner, path.isEmpty() ? key : path + "." + key);
  }

  /** The path of this mapping itself, for messages. */
  String here() {
    return where(owner, path);
  }

  private static String where(String owner, String path) {
    if (owner.isEmpty()) {
      return path.isEmpty() ? "the spec" : path;
    }
    return path.isEmpty() ? owner : owner + ": " + path;
  }

  String owner() {
    return owner;
  }

  void problem(String line) {
    problems.add(line);
  }

  boolean has(String key) {
    return map.containsKey(key);
  }

  /** The keys present, in file order. */
  List<String> keys() {
    List<String> out = new ArrayList<>();
    map.keySet().forEach(k -> out.add(String.valueOf(k)));
    return out;
  }

  private Object take(String key) {
    read.add(key);
    return map.get(key);
  }

  /** A scalar as text, or null when absent or null. */
  String string(String key) {
    Object v = take(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      problems.add(where(key) + " must be a single value, not " + describe(v));
      return null;
    }
    return String.valueOf(v);
  }

  /** A required scalar; a problem naming it when missing or empty. */
  String required(String key) {
    String v = string(key);
    if (v == null || v.isBlank()) {
      if (!map.containsKey(key) || map.get(key) == null) {
        problems.add(here() + " needs '" + key + "'");
      } else if (!(map.get(key) instanceof Map || map.get(key) instanceof List)) {
        problems.add(where(key) + " must not be empty");
      }
      return null;
    }
    return v;
  }

  /** A whole number, or null when absent; a problem when it is not one or below {@code min}. */
  Long number(String key, long min) {
    Object v = take(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long) {
      long n = ((Number) v).longValue();
      if (n < min) {
        problems.add(where(key) + " must be at least " + min + ", not " + n);
        return null;
      }
      return n;
    }
    problems.add(where(key) + " must be a whole number, not " + describe(v));
    return null;
  }

  /** true/false, or null when absent. */
  Boolean bool(String key) {
    Object v = take(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    problems.add(where(key) + " must be true or false, not " + describe(v));
    return null;
  }

  /**
   * A nested mapping, or null when the field is absent; a present field with no value
   * ({@code log:} or {@code log: {}}) is an empty mapping.
   */
  Fields object(String key) {
    if (!map.containsKey(key)) {
      read.add(key);
      return null;
    }
    return Fields.of(take(key), owner, path.isEmpty() ? key : path + "." + key, problems);
  }

  /** The mapping {@code node}, element {@code index} of list {@code key} here. */
  Fields element(String key, int index, Object node) {
    return Fields.of(node, owner, (path.isEmpty() ? key : path + "." + key) + "[" + index + "]", problems);
  }

  /** A list, or an empty one when absent; a problem when the value is not a list. */
  List<?> list(String key) {
    Object v = take(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      problems.add(where(key) + " must be a list, not " + describe(v));
      return List.of();
    }
    return l;
  }

  /** A list of scalars as text, or null when absent. */
  List<String> strings(String key) {
    if (!map.containsKey(key)) {
      read.add(key);
      return null;
    }
    List<String> out = new ArrayList<>();
    List<?> l = list(key);
    for (int i = 0; i < l.size(); i++) {
      Object v = l.get(i);
      if (v == null || v instanceof Map || v instanceof List) {
        problems.add(where(key) + "[" + i + "] must be a single value, not " + describe(v));
      } else {
        out.add(String.valueOf(v));
      }
    }
    return out;
  }

  /**
   * A mapping of names to scalar values, nested mappings flattened with dots ({@code map:
   * {concurrency: 4}} is {@code map.concurrency}) and lists joined with commas, or an empty map
   * when absent.
   */
  Map<String, String> flatMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    Object v = take(key);
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      problems.add(where(key) + " must be a mapping (key: value), not " + describe(v));
      return out;
    }
    flatten(where(key), "", m, out);
    return out;
  }

  private void flatten(String at, String prefix, Map<?, ?> m, Map<String, String> out) {
    m.forEach((k, v) -> {
      String name = prefix + k;
      if (v instanceof Map<?, ?> inner) {
        flatten(at, name + ".", inner, out);
      } else if (v instanceof List<?> l) {
        List<String> parts = new ArrayList<>();
        for (Object o : l) {
          if (o instanceof Map || o instanceof List || o == null) {
            problems.add(at + ": " + name + " must be a value or a list of values, not a list holding " + describe(o));
            return;
          }
          parts.add(String.valueOf(o));
        }
        out.put(name, String.join(",", parts));
      } else {
        out.put(name, v == null ? "" : String.valueOf(v));
      }
    });
  }

  /** Marks a field read without reading it (a field a caller handles as a whole). */
  void accept(String key) {
    read.add(key);
  }

  /**
   * Reports every field not read, one problem each: {@code <path> is not supported}, with the
   * hint {@code hints} gives for its name (null: none).
   */
  void rejectRest(Function<String, String> hints) {
    for (Object k : map.keySet()) {
      if (!read.contains(k)) {
        String key = String.valueOf(k);
        String hint = hints.apply(key);
        problems.add(where(key) + " is not supported" + (hint == null ? "" : ": " + hint));
      }
    }
  }

  /** {@link #rejectRest(Function)} without hints. */
  void rejectRest() {
    rejectRest(k -> null);
  }

  static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return "'" + v + "'";
  }
}
