package io.flowmesh.bench.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of a driver, with the names it accepts; a bad one ends the driver with a clear message. */
final class Options {

  private final String driver;
  private final Map<String, String> values = new HashMap<>();

  Options(String driver, String[] args, Set<String> known) {
    this.driver = driver;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new IllegalArgumentException(driver + ": unknown option '" + name + "' (known: --" + String.join(", --", known) + ")");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(driver + ": option " + name + " needs a value");
      }
      values.put(name.substring(2), args[++i]);
    }
  }

  String get(String name, String fallback) {
    String v = values.get(name);
    if (v == null && fallback == null) {
      throw new IllegalArgumentException(driver + ": option --" + name + " is required");
    }
    return v == null ? fallback : v;
  }

  long getLong(String name, String fallback) {
    String v = get(name, fallback);
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(driver + ": option --" + name + " must be a whole number, not '" + v + "'");
    }
  }
}
