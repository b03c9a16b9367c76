package io.flowmesh.runtime.udf;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server-info file a Numaflow SDK writes when it serves on a Unix socket: a JSON
 * object followed by the literal text {@code U+005C__END__}. What a kind reads from the
 * metadata (map: {@code MAP_MODE}) is its vertex's business.
 *
 * @param protocol "uds" or "tcp"
 * @param language the SDK's language
 * @param minimumNumaflowVersion the oldest Numaflow the SDK works with
 * @param version the SDK version
 * @param metadata the {@code metadata} object, values as strings
 */
public record ServerInfo(String protocol, String language, String minimumNumaflowVersion,
    String version, Map<String, String> metadata) {

  /**
   * The literal that ends a complete file, exactly as every Numaflow SDK writes it: the Unicode
   * name of a backslash ({@code U+005C}), not a backslash, then {@code __END__}.
   */
  public static final String END_MARKER = "U+005C__END__";
  /** Where the Numaflow SDKs write their sockets and server-info files. */
  public static final String NUMAFLOW_DIR = "/var/run/numaflow";

  public ServerInfo {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * The server-info file of an SDK kind in Numaflow's directory: {@code kind} as the SDKs name it
   * ({@code mapper}, {@code mapstreamer}, {@code sourcer}, {@code sinker}, {@code fb-sinker},
   * {@code sourcetransformer}, ...) followed by {@code -server-info}.
   */
  public static String defaultFile(String kind) {
    return NUMAFLOW_DIR + "/" + kind + "-server-info";
  }

  /** True if {@code content}, ignoring trailing whitespace, ends with the end marker. */
  public static boolean isComplete(String content) {
    return content.stripTrailing().endsWith(END_MARKER);
  }

  /**
   * Parses a complete file's content.
   *
   * @param path named in errors
   * @throws IllegalArgumentException naming the path and what is wrong
   */
  public static ServerInfo parse(String path, String content) {
    String text = content.stripTrailing();
    if (!text.endsWith(END_MARKER)) {
      throw new IllegalArgumentException("UDF server-info file " + path + " does not end with " + END_MARKER);
    }
    String json = text.substring(0, text.length() - END_MARKER.length());
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("UDF server-info file " + path + " is not a JSON object before "
          + END_MARKER + ": " + e.getMessage());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    Object md = o.getValue("metadata");
    if (md instanceof JsonObject m) {
      m.forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
    } else if (md != null) {
      throw new IllegalArgumentException("UDF server-info file " + path + ": metadata is not an object");
    }
    return new ServerInfo(string(o, "protocol"), string(o, "language"),
        string(o, "minimum_numaflow_version"), string(o, "version"), metadata);
  }

  private static String string(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v == null ? "" : String.valueOf(v);
  }

  @Override
  public String toString() {
    return "protocol=" + protocol + " language=" + language + " version=" + version
        + " minimumNumaflowVersion=" + minimumNumaflowVersion + " metadata=" + metadata;
  }
}
