package io.flowmesh.runtime.config;

/**
 * How a configuration value is parsed from text, and what it allows, in words a user reads in an
 * error message ("a duration such as 500ms, 5s or 1m").
 *
 * @param <T> the parsed type
 */
public interface ValueType<T> {

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException when the text is bad, with a message a user reads after
   *     the key and the value: what is allowed ("allowed is an integer from 1 to 10") or what
   *     is missing ("a duration needs a unit: ...")
   */
  T parse(String text);

  /** What values are allowed, for error messages and the config reference. */
  String allowed();
}
