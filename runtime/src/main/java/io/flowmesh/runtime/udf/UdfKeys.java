package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.tls.TlsOptions;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The config keys of one UDF connection under a prefix: {@code <prefix>.address},
 * {@code .timeout}, {@code .stall-timeout}, {@code .max-message-size},
 * {@code .reconnect.initial-backoff}, {@code .reconnect.max-backoff}, {@code .server-info-file},
 * {@code .server-info-timeout} and {@code .tls.enabled|ca|cert|key|verify-host}. map-service has
 * them under {@code udf}; a user-defined source, sink or source transformer declares its own set,
 * e.g. {@code UdfKeys.under("source.udsource").defaultAddress("unix:///var/run/numaflow/source.sock").build()},
 * lists {@link #all()} with its keys (and in {@code service-keys.txt}), and reads a
 * {@link UdfConnection} with {@link #read(Settings)}.
 *
 * <h2>Concurrency</h2>
 * Immutable.
 */
public final class UdfKeys {

  private final String prefix;
  private final ConfigKey<String> address;
  private final ConfigKey<Duration> timeout;
  private final ConfigKey<Duration> stallTimeout;
  private final ConfigKey<Long> maxMessageSize;
  private final ConfigKey<Duration> reconnectInitialBackoff;
  private final ConfigKey<Duration> reconnectMaxBackoff;
  private final ConfigKey<String> serverInfoFile;
  private final ConfigKey<Duration> serverInfoTimeout;
  private final ConfigKey<Boolean> tlsEnabled;
  private final ConfigKey<String> tlsCa;
  private final ConfigKey<String> tlsCert;
  private final ConfigKey<String> tlsKey;
  private final ConfigKey<Boolean> tlsVerifyHost;

  private UdfKeys(Builder b) {
    prefix = b.prefix;
    address = ConfigKey.of(b.name("address"), b.defaultAddress, Types.STRING,
        b.text("address", "the UDF server: tcp://host:port or unix:///path/to/socket"));
    timeout = ConfigKey.of(b.name("timeout"), "30s", Types.durationRange("1ms", "24h"),
        b.text("timeout", "connect, IsReady and handshake timeout, and how long one request may stay unanswered"));
    stallTimeout = ConfigKey.of(b.name("stall-timeout"), "60s", Types.durationRange("1ms", "24h"),
        b.text("stall-timeout", "no response for this long while work is in flight: not ready, and the stream is restarted"));
    maxMessageSize = ConfigKey.of(b.name("max-message-size"), "64MiB", Types.SIZE,
        b.text("max-message-size", "gRPC max message size towards the UDF (the SDKs use 64MiB)"));
    reconnectInitialBackoff = ConfigKey.of(b.name("reconnect.initial-backoff"), "100ms", Types.durationRange("1ms", "1m"),
        b.text("reconnect.initial-backoff", "first delay before reopening a broken stream (exponential, with jitter)"));
    reconnectMaxBackoff = ConfigKey.of(b.name("reconnect.max-backoff"), "10s", Types.durationRange("1ms", "10m"),
        b.text("reconnect.max-backoff", "cap of the reconnect delay"));
    serverInfoTimeout = ConfigKey.of(b.name("server-info-timeout"), "60s", Types.durationRange("1ms", "1h"),
        b.text("server-info-timeout", "how long to wait for the server-info file to be complete"));
    serverInfoFile = ConfigKey.of(b.name("server-info-file"), null, Types.STRING,
        b.text("server-info-file", "the SDK's Numaflow server-info file (<kind>-server-info), read before connecting"));
    tlsEnabled = ConfigKey.of(b.name("tls.enabled"), "false", Types.BOOLEAN,
        b.text("tls.enabled", "TLS towards the UDF (HTTP/2 negotiated with ALPN)"));
    tlsCa = ConfigKey.of(b.name("tls.ca"), null, Types.STRING,
        b.text("tls.ca", "PEM certificates trusted for the UDF server (unset: the JVM's trust store)"));
    tlsCert = ConfigKey.of(b.name("tls.cert"), null, Types.STRING,
        b.text("tls.cert", "PEM client certificate presented to the UDF (mutual TLS)"));
    tlsKey = ConfigKey.of(b.name("tls.key"), null, Types.STRING,
        b.text("tls.key", "PEM private key of " + b.name("tls.cert")));
    tlsVerifyHost = ConfigKey.of(b.name("tls.verify-host"), "true", Types.BOOLEAN,
        b.text("tls.verify-host", "check that the UDF's certificate names the host in " + b.name("address")));
  }

  /** A builder of the keys under {@code prefix} ({@code udf}, {@code source.udsource}, ...). */
  public static Builder under(String prefix) {
    return new Builder(prefix);
  }

  public String prefix() {
    return prefix;
  }

  public ConfigKey<String> address() {
    return address;
  }

  public ConfigKey<Duration> timeout() {
    return timeout;
  }

  public ConfigKey<Duration> stallTimeout() {
    return stallTimeout;
  }

  public ConfigKey<Long> maxMessageSize() {
    return maxMessageSize;
  }

  public ConfigKey<Duration> reconnectInitialBackoff() {
    return reconnectInitialBackoff;
  }

  public ConfigKey<Duration> reconnectMaxBackoff() {
    return reconnectMaxBackoff;
  }

  public ConfigKey<String> serverInfoFile() {
    return serverInfoFile;
  }

  public ConfigKey<Duration> serverInfoTimeout() {
    return serverInfoTimeout;
  }

  public ConfigKey<Boolean> tlsEnabled() {
    return tlsEnabled;
  }

  public ConfigKey<String> tlsCa() {
    return tlsCa;
  }

  public ConfigKey<String> tlsCert() {
    return tlsCert;
  }

  public ConfigKey<String> tlsKey() {
    return tlsKey;
  }

  public ConfigKey<Boolean> tlsVerifyHost() {
    return tlsVerifyHost;
  }

  /** Every key, in the order a service lists them. */
  public List<ConfigKey<?>> all() {
    return List.of(address, timeout, stallTimeout, maxMessageSize, reconnectInitialBackoff, reconnectMaxBackoff,
        serverInfoFile, serverInfoTimeout, tlsEnabled, tlsCa, tlsCert, tlsKey, tlsVerifyHost);
  }

  /**
   * Reads and checks every key; each problem goes to {@code s} against its key (with where its
   * value came from). Returns the connection, with defaults in place of what was wrong.
   */
  public UdfConnection read(Settings s) {
    long max = s.get(maxMessageSize);
    if (max < UdfChecks.MIN_MESSAGE_SIZE || max > Integer.MAX_VALUE) {
      s.problem(maxMessageSize, "allowed is 1KiB to 2GiB");
      max = UdfConnection.DEFAULT_MAX_MESSAGE_SIZE;
    }
    UdfConnection c = UdfConnection.builder(prefix)
        .address(s.get(address))
        .timeout(s.get(timeout))
        .stallTimeout(s.get(stallTimeout))
        .maxMessageSize((int) max)
        .reconnectBackoff(s.get(reconnectInitialBackoff), s.get(reconnectMaxBackoff))
        .serverInfoFile(s.get(serverInfoFile))
        .serverInfoTimeout(s.get(serverInfoTimeout))
        .tls(tls(s))
        .build();
    for (String problem : c.validate()) {
      report(s, problem);
    }
    return c;
  }

  /** The TLS options of these keys. */
  public TlsOptions tls(Settings s) {
    return new TlsOptions(s.get(tlsEnabled), s.get(tlsCert), s.get(tlsKey), s.get(tlsCa), false, s.get(tlsVerifyHost));
  }

  /**
   * A line {@code "key: what"} from {@link UdfConnection#validate()} or another check, reported against
   * that key when it is one of these (so the line says where the value came from), else as it is.
   */
  public void report(Settings s, String problem) {
    int colon = problem.indexOf(": ");
    String name = colon < 0 ? "" : problem.substring(0, colon);
    for (ConfigKey<?> key : all()) {
      if (key.name().equals(name)) {
        s.problem(key, problem.substring(colon + 2));
        return;
      }
    }
    s.problem(problem);
  }

  /** Builds a {@link UdfKeys}: the prefix, the default address, and descriptions where the generic ones do not fit. */
  public static final class Builder {
    private final String prefix;
    private final Map<String, String> descriptions = new HashMap<>();
    private String defaultAddress = "tcp://127.0.0.1:50051";

    private Builder(String prefix) {
      if (prefix == null || prefix.isBlank() || prefix.endsWith(".")) {
        throw new IllegalArgumentException("UDF key prefix '" + prefix + "' is invalid; expected e.g. udf or source.udsource");
      }
      this.prefix = prefix;
    }

    /** The default of {@code <prefix>.address}. */
    public Builder defaultAddress(String address) {
      defaultAddress = address;
      return this;
    }

    /** Replaces the generic description of {@code <prefix>.<suffix>}, e.g. {@code describe("timeout", "...")}. */
    public Builder describe(String suffix, String description) {
      descriptions.put(suffix, description);
      return this;
    }

    public UdfKeys build() {
      return new UdfKeys(this);
    }

    private String name(String suffix) {
      return prefix + "." + suffix;
    }

    private String text(String suffix, String generic) {
      return descriptions.getOrDefault(suffix, generic);
    }
  }
}
