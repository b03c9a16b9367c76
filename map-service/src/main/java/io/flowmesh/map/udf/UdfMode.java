package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.ServerInfo;

import java.util.Locale;

/** How elements travel to the UDF, named as in the server-info file's {@code MAP_MODE}. */
public enum UdfMode {
  /** One request per element on one long-lived {@code MapFn} stream, answered out of order. */
  UNARY("unary-map"),
  /** One {@code MapFn} stream per batch: N requests and an EOT, N responses and an EOT. */
  BATCH("batch-map"),
  /**
   * As unary, but each element is answered by 0..n responses carrying its id and then one
   * {@code status{eot}} with its id; many elements in flight at once.
   */
  STREAM("stream-map");

  /** The server-info metadata key of the map mode. */
  public static final String MAP_MODE = "MAP_MODE";

  private final String mapMode;

  UdfMode(String mapMode) {
    this.mapMode = mapMode;
  }

  /** The server-info spelling: {@code unary-map}, {@code batch-map} or {@code stream-map}. */
  public String mapMode() {
    return mapMode;
  }

  /**
   * Parses a server-info {@code MAP_MODE} or a config value ({@code map}, {@code unary},
   * {@code batch}, {@code batch-map}, ...).
   *
   * @throws IllegalArgumentException naming the value and what is allowed
   */
  public static UdfMode parse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "unary-map", "unary", "map":
        return UNARY;
      case "batch-map", "batch":
        return BATCH;
      case "stream-map", "stream", "map-stream":
        return STREAM;
      default:
        throw new IllegalArgumentException("'" + text + "' is not a map mode; expected unary-map, batch-map or stream-map");
    }
  }

  /**
   * The map mode of a server-info file ({@code metadata.MAP_MODE}); unary when absent.
   *
   * @throws IllegalArgumentException naming {@code path} and the value
   */
  public static UdfMode of(ServerInfo info, String path) {
    String m = info.metadata().get(MAP_MODE);
    try {
      return m == null ? UNARY : parse(m);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("UDF server-info file " + path + ": " + MAP_MODE + " " + e.getMessage());
    }
  }
}
