package io.flowmesh.runtime.udf;

import io.vertx.core.net.SocketAddress;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the UDF listens: {@code tcp://host:port} or {@code unix:///path/to/socket}.
 *
 * @param text the address as configured
 * @param socketAddress what the HTTP/2 client connects to
 */
public record UdfAddress(String text, SocketAddress socketAddress) {

  /** True for a Unix domain socket. */
  public boolean isUnix() {
    return socketAddress.isDomainSocket();
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Parses an address.
   *
   * @throws IllegalArgumentException naming the address and the expected forms
   */
  public static UdfAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw invalid(text, e.getMessage());
    }
    String scheme = uri.getScheme();
    if ("tcp".equals(scheme)) {
      String host = uri.getHost();
      int port = uri.getPort();
      if (host == null || port <= 0 || port > 65535) {
        throw invalid(text, "a tcp address needs a host and a port");
      }
      if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
        throw invalid(text, "a tcp address has no path");
      }
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return new UdfAddress(text, SocketAddress.inetSocketAddress(port, bare));
    }
    if ("unix".equals(scheme)) {
      String path = uri.getPath();
      if (uri.getRawAuthority() != null || path == null || !path.startsWith("/") || path.length() < 2) {
        throw invalid(text, "a unix address is unix:///absolute/path");
      }
      return new UdfAddress(text, SocketAddress.domainSocketAddress(path));
    }
    throw invalid(text, "unknown scheme '" + scheme + "'");
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("UDF address '" + text + "' is invalid (" + why
        + "); expected tcp://host:port or unix:///path/to/socket");
  }
}
