package io.flowmesh.runtime.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A condition on a message's tags that decides whether it goes on an outbound edge, Numaflow's
 * {@code conditions.tags}: {@code or} (any of the tags present), {@code and} (all of them present)
 * or {@code not} (none of them present). Written {@code <op>:<tag>[,<tag>...]}, e.g. {@code or:even}.
 *
 * @param op how the tags combine
 * @param tags the tags, at least one, each non-empty
 */
public record TagCondition(Op op, List<String> tags) {

  /** How a condition's tags combine. */
  public enum Op {
    /** Any of the tags is present. */
    OR,
    /** All of the tags are present. */
    AND,
    /** None of the tags is present. */
    NOT
  }

  public TagCondition {
    if (op == null || tags == null || tags.isEmpty()) {
      throw new IllegalArgumentException("a tag condition needs an operator and at least one tag");
    }
    tags = List.copyOf(tags);
  }

  /**
   * Reads {@code <op>:<tag>[,<tag>...]}.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static TagCondition parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected <op>:<tag>[,<tag>...] with op or, and or not (e.g. or:even), got no ':'");
    }
    String opText = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    Op op = switch (opText) {
      case "or" -> Op.OR;
      case "and" -> Op.AND;
      case "not" -> Op.NOT;
      default -> throw new IllegalArgumentException("unknown operator '" + opText + "': use or, and or not");
    };
    List<String> tags = new ArrayList<>();
    for (String part : text.substring(colon + 1).split(",", -1)) {
      String tag = part.trim();
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("an empty tag in '" + text.substring(colon + 1) + "': list tags separated by commas");
      }
      if (!tags.contains(tag)) {
        tags.add(tag);
      }
    }
    return new TagCondition(op, tags);
  }

  /** Whether a message with {@code present} tags meets the condition (slow path, for tests and tools; see {@link TagRouter}). */
  public boolean matches(List<String> present) {
    return switch (op) {
      case OR -> tags.stream().anyMatch(present::contains);
      case AND -> present.containsAll(tags);
      case NOT -> tags.stream().noneMatch(present::contains);
    };
  }

  /** As written: {@code or:a,b}. */
  @Override
  public String toString() {
    return op.name().toLowerCase(Locale.ROOT) + ":" + String.join(",", tags);
  }
}
