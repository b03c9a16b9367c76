package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Header;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link EdgeMessage}'s headers, a list of {@link Header}s on the edge (the wire form of a
 * {@code map<string, string>}), as and from the maps Numaflow's protocols use. A key listed twice
 * keeps its last value in a map, as a protobuf map parser would.
 *
 * <p>Concurrency: stateless.
 */
public final class MessageHeaders {

  private MessageHeaders() {
  }

  /** {@code m}'s headers as a map, in order of first appearance; empty (and not allocated) when it has none. */
  public static Map<String, String> toMap(EdgeMessage m) {
    int n = m.getHeadersCount();
    if (n == 0) {
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      Header h = m.getHeaders(i);
      map.put(h.getKey(), h.getValue());
    }
    return map;
  }

  /** One header. */
  public static Header header(String key, String value) {
    return Header.newBuilder().setKey(key).setValue(value).build();
  }

  /** Adds every entry of {@code headers} to {@code b}. */
  public static EdgeMessageBuilder addAll(EdgeMessageBuilder b, Map<String, String> headers) {
    headers.forEach((k, v) -> b.addHeaders(Header.newBuilder().setKey(k).setValue(v)));
    return b;
  }
}
