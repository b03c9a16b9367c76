package io.flowmesh.udf;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the elements of one {@code MapFn} stream are grouped, named as in Numaflow's {@code MAP_MODE}. */
public enum MapMode {

  /** Each request is answered on its own, in any order, as soon as its handler completes. */
  UNARY_MAP("unary-map"),

  /** Requests are collected until an end-of-transmission; all are answered, then an EOT. */
  BATCH_MAP("batch-map"),

  /**
   * Each request is answered by 0..n responses carrying its id and then an EOT carrying its id,
   * many ids at once, their responses interleaved ({@link StreamMapHandler}).
   */
  STREAM_MAP("stream-map");

  private final String wireName;

  MapMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the command line and in the server-info file. */
  public String wireName() {
    return wireName;
  }

  /**
   * The mode with this name: Numaflow's {@code unary-map}, {@code batch-map} or
   * {@code stream-map}, or {@code map} (an alias of unary-map), the same names map-service's
   * {@code map.mode} takes, so one environment configures both; {@link UsageException} naming
   * the valid ones otherwise.
   */
  public static MapMode parse(String name) {
    if ("map".equals(name)) {
      return UNARY_MAP;
    }
    for (MapMode mode : values()) {
      if (mode.wireName.equals(name)) {
        return mode;
      }
    }
    throw new UsageException("unknown map mode '" + name + "', expected one of "
        + Arrays.stream(values()).map(MapMode::wireName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
