package io.flowmesh.udf;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One result of mapping an element: keys, a value and tags.
 *
 * <p>The lists are kept as given, not copied: do not change them afterwards.
 *
 * @param keys the result's keys, possibly empty
 * @param value the result's value
 * @param tags the result's tags (conditional forwarding); {@link #DROP_TAG} drops it
 */
public record MapResult(List<String> keys, ByteString value, List<String> tags) {

  /**
   * The reserved tag that drops an element. Numaflow's SDKs spell it as the ten characters
   * {@code U+005C} followed by {@code __DROP__}: the Unicode name of a backslash, not a backslash.
   */
  public static final String DROP_TAG = "U+005C__DROP__";

  private static final MapResult DROP = new MapResult(List.of(), ByteString.EMPTY, List.of(DROP_TAG));

  public MapResult {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(tags, "tags");
  }

  /** A result with this value, no keys and no tags. */
  public static MapResult of(ByteString value) {
    return new MapResult(List.of(), value, List.of());
  }

  /** A result with these keys and value, and no tags. */
  public static MapResult of(List<String> keys, ByteString value) {
    return new MapResult(keys, value, List.of());
  }

  /** A result with this value (copied), no keys and no tags. */
  public static MapResult of(byte[] value) {
    return of(ByteString.copyFrom(value));
  }

  /** A result with this value in UTF-8, no keys and no tags. */
  public static MapResult ofUtf8(String value) {
    return of(ByteString.copyFrom(value, StandardCharsets.UTF_8));
  }

  /** The element's own keys and value, unchanged: the identity map. */
  public static MapResult passThrough(Datum datum) {
    return new MapResult(datum.keys(), datum.value(), List.of());
  }

  /** The result that drops the element (tagged {@link #DROP_TAG}). */
  public static MapResult drop() {
    return DROP;
  }

  /** This result with these tags instead of its own. */
  public MapResult withTags(String... tags) {
    return new MapResult(keys, value, List.of(tags));
  }

  /** This result with these keys instead of its own. */
  public MapResult withKeys(List<String> keys) {
    return new MapResult(keys, value, tags);
  }

  /** Whether this result carries the drop tag. */
  public boolean isDrop() {
    return tags.contains(DROP_TAG);
  }
}
