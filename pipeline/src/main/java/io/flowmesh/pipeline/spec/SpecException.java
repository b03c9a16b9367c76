package io.flowmesh.pipeline.spec;

import java.util.List;

/** A pipeline spec that cannot run: every problem found, one line each, naming the vertex, edge or field. */
public final class SpecException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public SpecException(String origin, List<String> problems) {
    super(origin + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n  "
        + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
