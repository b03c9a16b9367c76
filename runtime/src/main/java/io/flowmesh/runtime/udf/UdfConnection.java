package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.tls.TlsOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a vertex reaches one UDF, whatever its protocol: the part of a UDF client's settings that
 * {@link UdfChannel}, {@link UdfStream}, {@link StallWatch}, {@link UdfHealth} and
 * {@link ServerInfoReader} use. Every key lives under {@link #keys()} (map: {@code udf}; a
 * user-defined source: e.g. {@code source.udsource}), and every message names the full key.
 * Immutable; build with {@link #builder(String)} or read with {@link UdfKeys#read}.
 *
 * @param keys the key prefix, e.g. {@code udf}
 * @param address {@code <keys>.address}: {@code tcp://host:port} or {@code unix:///path}
 * @param timeout {@code <keys>.timeout}: connect timeout, {@code IsReady} timeout, and how long a
 *     handshake or one request may stay unanswered
 * @param stallTimeout {@code <keys>.stall-timeout}: silence, with work in flight, after which the UDF is stalled
 * @param maxMessageSize {@code <keys>.max-message-size}: largest gRPC message sent or accepted, in bytes
 * @param reconnectInitialBackoff {@code <keys>.reconnect.initial-backoff}: delay before the first reconnect
 * @param reconnectMaxBackoff {@code <keys>.reconnect.max-backoff}: cap of the exponential reconnect delay
 * @param serverInfoFile {@code <keys>.server-info-file}: the SDK's {@code <kind>-server-info} file, or null for none
 * @param serverInfoTimeout {@code <keys>.server-info-timeout}: how long to wait for that file to be complete
 * @param tls {@code <keys>.tls.*}: TLS (and a client certificate for mutual TLS) towards the UDF
 */
public record UdfConnection(String keys, String address, Duration timeout, Duration stallTimeout, int maxMessageSize,
    Duration reconnectInitialBackoff, Duration reconnectMaxBackoff, String serverInfoFile, Duration serverInfoTimeout,
    TlsOptions tls) {

  /** 64 MiB, the gRPC max message size of the Numaflow SDKs. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

  /** A builder for keys under {@code keys}, starting from the defaults. */
  public static Builder builder(String keys) {
    return new Builder(keys);
  }

  /** A builder starting from this connection (same key prefix). */
  public Builder toBuilder() {
    return new Builder(keys).address(address).timeout(timeout).stallTimeout(stallTimeout).maxMessageSize(maxMessageSize)
        .reconnectBackoff(reconnectInitialBackoff, reconnectMaxBackoff).serverInfoFile(serverInfoFile)
        .serverInfoTimeout(serverInfoTimeout).tls(tls);
  }

  /** The full name of the key {@code suffix} (e.g. {@code tls}) under {@link #keys()}. */
  public String key(String suffix) {
    return keys + "." + suffix;
  }

  /** The parsed {@link #address()}; call after {@link #validate()} found nothing. */
  public UdfAddress parsedAddress() {
    return UdfAddress.parse(address);
  }

  /** One line per bad field, naming its full key, the value and what is allowed; empty when usable. */
  public List<String> validate() {
    List<String> bad = new ArrayList<>();
    UdfChecks.address(bad, key("address"), address);
    UdfChecks.positive(bad, key("timeout"), timeout);
    UdfChecks.positive(bad, key("stall-timeout"), stallTimeout);
    UdfChecks.maxMessageSize(bad, key("max-message-size"), maxMessageSize);
    UdfChecks.backoff(bad, key("reconnect"), reconnectInitialBackoff, reconnectMaxBackoff);
    UdfChecks.optionalPath(bad, key("server-info-file"), serverInfoFile);
    UdfChecks.positive(bad, key("server-info-timeout"), serverInfoTimeout);
    UdfChecks.tls(bad, key("tls"), tls);
    return bad;
  }

  /** Builds a {@link UdfConnection}; the defaults are those of the {@code udf.*} keys. Not thread-safe. */
  public static final class Builder {
    private final String keys;
    private String address = "tcp://127.0.0.1:50051";
    private Duration timeout = Duration.ofSeconds(30);
    private Duration stallTimeout = Duration.ofSeconds(60);
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Duration reconnectInitialBackoff = Duration.ofMillis(100);
    private Duration reconnectMaxBackoff = Duration.ofSeconds(10);
    private String serverInfoFile;
    private Duration serverInfoTimeout = Duration.ofSeconds(60);
    private TlsOptions tls = TlsOptions.OFF;

    private Builder(String keys) {
      this.keys = keys;
    }

    public Builder address(String v) {
      address = v;
      return this;
    }

    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    public Builder stallTimeout(Duration v) {
      stallTimeout = v;
      return this;
    }

    public Builder maxMessageSize(int v) {
      maxMessageSize = v;
      return this;
    }

    /** Sets the initial and the maximum reconnect backoff. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      reconnectInitialBackoff = initial;
      reconnectMaxBackoff = max;
      return this;
    }

    /** The server-info file to read at start, or null for none. */
    public Builder serverInfoFile(String v) {
      serverInfoFile = v;
      return this;
    }

    public Builder serverInfoTimeout(Duration v) {
      serverInfoTimeout = v;
      return this;
    }

    public Builder tls(TlsOptions v) {
      tls = v;
      return this;
    }

    /** The connection; not validated, see {@link UdfConnection#validate()}. */
    public UdfConnection build() {
      return new UdfConnection(keys, address, timeout, stallTimeout, maxMessageSize, reconnectInitialBackoff,
          reconnectMaxBackoff, serverInfoFile, serverInfoTimeout, tls);
    }
  }
}
