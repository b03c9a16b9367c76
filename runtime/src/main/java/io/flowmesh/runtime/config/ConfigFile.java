package io.flowmesh.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A YAML config file ({@code --config}) read into flat keys: nested mappings join their keys with
 * dots ({@code map: {concurrency: 8}} is {@code map.concurrency}), a list becomes its items joined
 * with commas.
 */
final class ConfigFile {

  private ConfigFile() {
  }

  /**
   * The file's keys and values, sorted by key; empty, with one line given to {@code problem}, when
   * it cannot be read, is not YAML or is not a mapping (an empty file has no keys and no problem).
   */
  static Map<String, String> read(Path path, Consumer<String> problem) {
    Object root;
    try (Reader r = Files.newBufferedReader(path)) {
      root = StrictYaml.reader().load(r);
    } catch (IOException e) {
      problem.accept("config file " + path + " cannot be read: " + ConfigFileErrors.why(path, e));
      return Map.of();
    } catch (RuntimeException e) {
      if (e.getCause() instanceof IOException io) {
        problem.accept("config file " + path + " cannot be read: " + ConfigFileErrors.why(path, io));
      } else {
        problem.accept("config file " + path + " is not valid YAML: " + ConfigFileErrors.yaml(e));
      }
      return Map.of();
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map)) {
      problem.accept("config file " + path + " must hold a mapping of keys to values");
      return Map.of();
    }
    Map<String, String> flat = new TreeMap<>();
    flatten("", (Map<?, ?>) root, flat);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map) {
        flatten(key + ".", (Map<?, ?>) v, out);
      } else {
        out.put(key, v == null ? "" : v instanceof List ? String.join(",", ((List<?>) v).stream().map(String::valueOf).toList()) : String.valueOf(v));
      }
    }
  }
}
