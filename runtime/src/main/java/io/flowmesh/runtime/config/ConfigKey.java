package io.flowmesh.runtime.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key: its dotted name, its default (as text, exactly as a user would write
 * it), what values it allows, and a one-line description.
 *
 * <p>A key {@code a.b-c} is read from the environment as {@code FLOWMESH_A_B_C} and from the
 * command line as {@code --a.b-c=value} or {@code --a.b-c value}.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {

  private final String name;
  private final String defaultValue;
  private final ValueType<T> type;
  private final String description;

  private ConfigKey(String name, String defaultValue, ValueType<T> type, String description) {
    this.name = Objects.requireNonNull(name);
    this.defaultValue = defaultValue;
    this.type = Objects.requireNonNull(type);
    this.description = Objects.requireNonNull(description);
  }

  /** A key whose default is {@code defaultValue} (null: the key is optional and unset). */
  public static <T> ConfigKey<T> of(String name, String defaultValue, ValueType<T> type, String description) {
    return new ConfigKey<>(name, defaultValue, type, description);
  }

  public String name() {
    return name;
  }

  /** The default as text, or null when the key has none. */
  public String defaultValue() {
    return defaultValue;
  }

  public ValueType<T> type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The environment variable that sets this key: {@code a.b-c} is {@code FLOWMESH_A_B_C}. */
  public String envName() {
    return envName(name);
  }

  /** The environment variable for any dotted key name. */
  public static String envName(String key) {
    return "FLOWMESH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() {
    return name;
  }
}
