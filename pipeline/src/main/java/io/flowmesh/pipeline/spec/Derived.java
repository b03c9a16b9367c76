package io.flowmesh.pipeline.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service settings a vertex's fields give, each with the field that gave it, so that a
 * {@code settings:} key that contradicts a field is reported naming both.
 */
final class Derived {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> setBy = new LinkedHashMap<>();

  /** {@code key=value}, given by the spec field {@code field}. */
  void put(String key, String value, String field) {
    values.put(key, value);
    setBy.put(key, field);
  }

  /** The field that set {@code key}, or null. */
  String setBy(String key) {
    return setBy.get(key);
  }

  String get(String key) {
    return values.get(key);
  }

  Map<String, String> values() {
    return values;
  }
}
