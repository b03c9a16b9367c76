package io.flowmesh.udf;

import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a UDF server listens: {@code tcp://host:port} or {@code unix:///path/to/socket}.
 */
public sealed interface UdfAddress {

  /** The address as a Vert.x socket address. */
  SocketAddress toSocketAddress();

  /** The server-info file's {@code protocol}: {@code tcp} or {@code uds}. */
  String protocol();

  /** A TCP address; port 0 asks for an ephemeral port. */
  record Tcp(String host, int port) implements UdfAddress {
    public Tcp {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new UsageException("TCP port " + port + " is out of range 0..65535");
      }
    }

    @Override
    public SocketAddress toSocketAddress() {
      return SocketAddress.inetSocketAddress(port, host);
    }

    @Override
    public String protocol() {
      return "tcp";
    }

    @Override
    public String toString() {
      return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** A Unix domain socket at an absolute path. */
  record Unix(Path path) implements UdfAddress {
    public Unix {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public SocketAddress toSocketAddress() {
      return SocketAddress.domainSocketAddress(path.toString());
    }

    @Override
    public String protocol() {
      return "uds";
    }

    @Override
    public String toString() {
      return "unix://" + path;
    }
  }

  /**
   * Parses {@code tcp://host:port} (IPv6 hosts in brackets) or {@code unix:///absolute/path}.
   *
   * @throws UsageException saying what is wrong with the text
   */
  static UdfAddress parse(String text) {
    if (text.startsWith("unix://")) {
      String path = text.substring("unix://".length());
      if (!path.startsWith("/")) {
        throw new UsageException("address '" + text + "': a Unix socket path must be absolute, as in unix:///tmp/udf.sock");
      }
      return new Unix(Path.of(path));
    }
    if (text.startsWith("tcp://")) {
      String hostPort = text.substring("tcp://".length());
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new UsageException("address '" + text + "': expected tcp://host:port");
      }
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UsageException("address '" + text + "': port is not a number");
      }
      return new Tcp(host, port);
    }
    throw new UsageException("address '" + text + "': expected tcp://host:port or unix:///path");
  }
}
