package io.flowmesh.udf;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link UdfServer} serves: where, in which mode, and what it tells its client.
 *
 * @param address where to listen
 * @param mode how requests of one stream are grouped
 * @param serverInfoFile where to write Numaflow's server-info file once listening; {@code null}: none
 * @param maxMessageSize the largest gRPC message accepted, in bytes
 * @param tls TLS (and client authentication), or {@code null} for plain text
 */
public record UdfServerOptions(UdfAddress address, MapMode mode, Path serverInfoFile, int maxMessageSize, UdfTls tls) {

  /** 64 MiB, as the Numaflow SDKs use. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

  public UdfServerOptions {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(mode, "mode");
    if (maxMessageSize <= 0) {
      throw new UsageException("maxMessageSize must be positive, was " + maxMessageSize);
    }
  }

  /** Unary map on this address, no server-info file, 64 MiB messages. */
  public static UdfServerOptions of(String address) {
    return new UdfServerOptions(UdfAddress.parse(address), MapMode.UNARY_MAP, null, DEFAULT_MAX_MESSAGE_SIZE, null);
  }

  /** These options in another mode. */
  public UdfServerOptions withMode(MapMode mode) {
    return new UdfServerOptions(address, mode, serverInfoFile, maxMessageSize, tls);
  }

  /** These options writing the server-info file to this path. */
  public UdfServerOptions withServerInfoFile(Path path) {
    return new UdfServerOptions(address, mode, path, maxMessageSize, tls);
  }

  /** These options refusing gRPC messages over {@code maxMessageSize} bytes. */
  public UdfServerOptions withMaxMessageSize(int maxMessageSize) {
    return new UdfServerOptions(address, mode, serverInfoFile, maxMessageSize, tls);
  }

  /** These options serving TLS. */
  public UdfServerOptions withTls(UdfTls tls) {
    return new UdfServerOptions(address, mode, serverInfoFile, maxMessageSize, tls);
  }
}
