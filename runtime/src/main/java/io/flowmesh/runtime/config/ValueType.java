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
   * @throws IllegalArgumentException with a message saying what is allowed when the text is bad
   */
  T parse(String text);

  /** What values are allowed, for error messages and the config reference. */
  String allowed();
}
