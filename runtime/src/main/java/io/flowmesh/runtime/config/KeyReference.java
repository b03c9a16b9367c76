package io.flowmesh.runtime.config;

import java.util.List;
import java.util.Map;

/** The keys of a service as text for people: the {@code --help} text and the Markdown table of docs/configuration.md. */
public final class KeyReference {

  private KeyReference() {
  }

  /** A Markdown table of every key: name, default, environment variable, what it allows, meaning. */
  public static String markdown(List<ConfigKey<?>> keys) {
    StringBuilder b = new StringBuilder("| key | default | environment | allowed | meaning |\n|---|---|---|---|---|\n");
    for (ConfigKey<?> k : keys) {
      b.append("| `").append(k.displayName()).append("` | ").append(k.defaultValue() == null ? "(unset)" : "`" + k.defaultValue() + "`")
          .append(" | `").append(k.envName()).append(k.isPrefix() ? "*" : "").append("` | ").append(cell(k.type().allowed()))
          .append(" | ").append(cell(meaning(k))).append(" |\n");
    }
    return b.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A help text: every key, its default, its environment name and what it allows. */
  public static String help(List<ConfigKey<?>> keys) {
    StringBuilder b = new StringBuilder();
    for (ConfigKey<?> k : keys) {
      b.append(String.format("  --%-28s %s%n      default: %s; env: %s; allowed: %s%n",
          k.displayName(), meaning(k), k.defaultValue() == null ? "(unset)" : "'" + k.defaultValue() + "'",
          k.envName() + (k.isPrefix() ? "* (lower case, _ read as .)" : ""), k.type().allowed()));
    }
    return b.toString();
  }

  /** A key's description; for a prefix key followed by its reserved properties and what to use instead. */
  private static String meaning(ConfigKey<?> k) {
    if (k.reserved().isEmpty()) {
      return k.description();
    }
    StringBuilder b = new StringBuilder(k.description()).append(". Refused, as Flowmesh sets them: ");
    String sep = "";
    for (Map.Entry<String, String> e : k.reserved().entrySet()) {
      b.append(sep).append(e.getKey()).append(" (").append(e.getValue()).append(')');
      sep = ", ";
    }
    return b.toString();
  }
}
