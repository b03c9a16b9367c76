package io.flowmesh.pipeline.deploy;

import io.flowmesh.runtime.config.HostPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's list of where each vertex's replicas serve HTTP ({@code console.vertices}):
 * {@code name=host:port} entries separated by commas, a name given once per replica. Written by the
 * local runner and the compose renderer, read by the console.
 */
public final class VertexAddresses {

  private VertexAddresses() {
  }

  /** The list for {@code addresses} (vertex name to its replicas, in order). */
  public static String format(Map<String, List<HostPort>> addresses) {
    StringBuilder b = new StringBuilder();
    addresses.forEach((name, replicas) -> {
      for (HostPort hp : replicas) {
        b.append(b.length() == 0 ? "" : ",").append(name).append('=').append(hp);
      }
    });
    return b.toString();
  }

  /**
   * Parses {@code name=host:port,...}; a name given twice is two replicas, in order.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code name=host:port}, or when none is given
   */
  public static Map<String, List<HostPort>> parse(String text) {
    Map<String, List<HostPort>> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("'" + entry + "' is not name=host:port");
      }
      HostPort hp;
      try {
        hp = HostPort.parse(entry.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + entry + "': " + e.getMessage());
      }
      out.computeIfAbsent(entry.substring(0, eq).strip(), k -> new ArrayList<>()).add(hp);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no vertex given (expected name=host:port, separated by commas)");
    }
    return out;
  }
}
