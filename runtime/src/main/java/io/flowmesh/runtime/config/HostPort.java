package io.flowmesh.runtime.config;

/**
 * A host name or address and a port, as in {@code map.upstream=127.0.0.1:7001}.
 *
 * @param host a name or a literal address (IPv6 without brackets)
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host:port} or {@code [v6]:port}. A URL's scheme ({@code tcp://127.0.0.1:7001},
   * the form of {@code udf.address}) is refused with a line saying to drop it: read as it is, it
   * would be the host {@code tcp://127.0.0.1}, which never resolves.
   */
  public static HostPort parse(String text) {
    String s = text.trim();
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String rest = s.substring(scheme + 3);
      throw new Types.Reason("drop '" + s.substring(0, scheme + 3) + "': this is host:port" + (rest.isEmpty() ? "" : " (" + rest + ")")
          + ", not a URL");
    }
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("not host:port: " + text);
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, Integer.parseInt(s.substring(colon + 1)));
  }

  /** The list as a config value: {@code host:port} entries separated by commas. */
  public static String join(java.util.List<HostPort> list) {
    StringBuilder b = new StringBuilder();
    for (HostPort hp : list) {
      b.append(b.length() == 0 ? "" : ",").append(hp);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
