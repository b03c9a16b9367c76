package io.flowmesh.pipeline.spec;

/**
 * One edge of the graph.
 *
 * @param condition the tag condition, or null: every message goes this way
 * @param index its place in {@code spec.edges}, for messages
 */
public record EdgeSpec(String from, String to, TagCondition condition, int index) {

  /** How messages name the edge: {@code in -> cat}. */
  public String label() {
    return from + " -> " + to;
  }
}
