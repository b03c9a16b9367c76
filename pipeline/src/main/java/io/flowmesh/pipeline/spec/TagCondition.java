package io.flowmesh.pipeline.spec;

import java.util.List;

/**
 * An edge's {@code conditions.tags}: Numaflow's semantics. {@code or}: any of the values among the
 * message's tags; {@code and}: all of them; {@code not}: none of them.
 *
 * @param operator {@code or}, {@code and} or {@code not}
 * @param values the tags, at least one
 */
public record TagCondition(String operator, List<String> values) {

  public static final List<String> OPERATORS = List.of("or", "and", "not");

  public TagCondition {
    values = List.copyOf(values);
  }

  /** As the upstream's {@code X.edge.condition.<to>} key takes it: {@code or:even,odd}. */
  public String asSetting() {
    return operator + ":" + String.join(",", values);
  }
}
