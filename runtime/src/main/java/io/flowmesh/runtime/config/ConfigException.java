package io.flowmesh.runtime.config;

import java.util.List;

/** The configuration is invalid; {@link #problems()} has one line per bad key. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each naming the key, the value and what is allowed. */
  public List<String> problems() {
    return problems;
  }
}
