package io.flowmesh.runtime.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration key: its dotted name, its default (as text, exactly as a user would write
 * it), what values it allows, and a one-line description.
 *
 * <p>A key {@code a.b-c} is read from the environment as {@code FLOWMESH_A_B_C} and from the
 * command line as {@code --a.b-c=value} or {@code --a.b-c value}.
 *
 * <p>A <em>prefix key</em> ({@link #prefix}) has a name ending in a dot, {@code source.kafka.client.},
 * and stands for every key that starts with it: {@code source.kafka.client.sasl.mechanism} sets the
 * property {@code sasl.mechanism} (the suffix), passed through to a library as it is. In the file and
 * on the command line the suffix is written as it is; in the environment, whose names cannot hold
 * dots, {@code FLOWMESH_SOURCE_KAFKA_CLIENT_SASL_MECHANISM} is the suffix in lower case with each
 * {@code _} read as a dot ({@link #keyOfEnv}), which is exact for Kafka's own property names (lower
 * case words joined by dots); a property whose name holds {@code _}, {@code -} or capitals is set in
 * the file or with a flag. Some suffixes may be reserved: the service sets them itself and names the
 * key to use instead.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {

  private final String name;
  private final String defaultValue;
  private final ValueType<T> type;
  private final String description;
  private final Map<String, String> reserved;

  private ConfigKey(String name, String defaultValue, ValueType<T> type, String description, Map<String, String> reserved) {
    this.name = Objects.requireNonNull(name);
    this.defaultValue = defaultValue;
    this.type = Objects.requireNonNull(type);
    this.description = Objects.requireNonNull(description);
    this.reserved = reserved;
  }

  /** A key whose default is {@code defaultValue} (null: the key is optional and unset). */
  public static <T> ConfigKey<T> of(String name, String defaultValue, ValueType<T> type, String description) {
    if (name.endsWith(".")) {
      throw new IllegalArgumentException("a key name ending in a dot is a prefix key (ConfigKey.prefix): " + name);
    }
    return new ConfigKey<>(name, defaultValue, type, description, null);
  }

  /**
   * A prefix key: {@code prefix} ends with a dot, and any key {@code prefix + suffix} sets the
   * pass-through property {@code suffix} (read with {@link Settings#prefixed}).
   *
   * @param reserved suffixes the service sets itself, each with what to do instead (e.g. {@code
   *     "use source.kafka.group-id"}), listed in name order; setting one is an error naming both
   */
  public static ConfigKey<String> prefix(String prefix, String description, Map<String, String> reserved) {
    if (!prefix.endsWith(".") || prefix.length() < 2) {
      throw new IllegalArgumentException("a prefix key ends with a dot: " + prefix);
    }
    return new ConfigKey<>(prefix, null, Types.STRING, description, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(reserved)));
  }

  /**
   * The same key with another default, for one service whose work needs a different one
   * (map-service's smaller input buffer). The description says so, so the reference shows it:
   * "...; {@code service}'s default is {@code otherDefault} (the other services' {@code default}): {@code why}".
   */
  public ConfigKey<T> withDefault(String otherDefault, String service, String why) {
    if (isPrefix() || defaultValue == null) {
      throw new IllegalArgumentException("only a key with a default can take another: " + name);
    }
    type.parse(otherDefault); // a default must be a value the key accepts
    return new ConfigKey<>(name, otherDefault, type, description + "; " + service + "'s default is " + otherDefault
        + " (the other services' " + defaultValue + "): " + why, null);
  }

  /** Whether this is a prefix key, standing for every key that starts with {@link #name()}. */
  public boolean isPrefix() {
    return reserved != null;
  }

  /** A prefix key's reserved suffixes, each with what to do instead; empty for other keys. */
  public Map<String, String> reserved() {
    return reserved == null ? Map.of() : reserved;
  }

  /**
   * The key a prefix key reads from environment variable {@code env}: {@code
   * FLOWMESH_SOURCE_KAFKA_CLIENT_SASL_MECHANISM} is {@code source.kafka.client.sasl.mechanism} (the
   * suffix in lower case, {@code _} read as a dot); null when {@code env} is not under this prefix.
   */
  public String keyOfEnv(String env) {
    String start = envName();
    if (!isPrefix() || !env.startsWith(start) || env.length() == start.length()) {
      return null;
    }
    return name + env.substring(start.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** How the key is written in the reference: {@code source.kafka.client.*} for a prefix key. */
  public String displayName() {
    return isPrefix() ? name + "*" : name;
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

  /**
   * The environment variable that sets this key: {@code a.b-c} is {@code FLOWMESH_A_B_C}; for a
   * prefix key, the start of the variables under it ({@code FLOWMESH_SOURCE_KAFKA_CLIENT_}).
   */
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
