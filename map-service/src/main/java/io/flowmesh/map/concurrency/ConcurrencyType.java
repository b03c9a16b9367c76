package io.flowmesh.map.concurrency;

import io.flowmesh.runtime.config.ValueType;
import java.util.Locale;

/** {@code map.concurrency}'s values: an integer within bounds, or {@code auto} (parsed as {@link #AUTO}). */
public final class ConcurrencyType implements ValueType<Integer> {

  /** What {@code auto} parses to: no fixed limit. */
  public static final int AUTO = 0;

  private final int min;
  private final int max;

  public ConcurrencyType(int min, int max) {
    this.min = min;
    this.max = max;
  }

  @Override
  public Integer parse(String text) {
    String t = text.trim();
    if (t.toLowerCase(Locale.ROOT).equals("auto")) {
      return AUTO;
    }
    try {
      long v = Long.parseLong(t);
      if (v >= min && v <= max) {
        return (int) v;
      }
    } catch (NumberFormatException e) {
      // the message below says what is allowed
    }
    throw new IllegalArgumentException("allowed is " + allowed());
  }

  @Override
  public String allowed() {
    return "auto, or an integer from " + min + " to " + max;
  }
}
