package io.flowmesh.map.udf;

import io.flowmesh.runtime.tls.TlsOptions;
import io.flowmesh.runtime.udf.UdfChecks;
import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the map vertex reaches and treats its UDF. Immutable; build one with
 * {@link #builder()} or take {@link #defaults()}, then check it with {@link #validate}.
 * Each component's config key is given in its description. The transport's part, under the
 * {@code udf} prefix, is {@link #connection()}; the rest (mode, retries, batches) is map's.
 *
 * @param address {@code udf.address}: {@code tcp://host:port} or {@code unix:///path}
 * @param mode {@code map.mode}: unary or batch map (the server-info file may override it)
 * @param timeout {@code udf.timeout}: how long one attempt may stay unanswered
 * @param retryMaxAttempts {@code udf.retry.max-attempts}: attempts before {@code onFailure} applies
 * @param retryInitialBackoff {@code udf.retry.initial-backoff}: delay before the first retry
 * @param retryMaxBackoff {@code udf.retry.max-backoff}: cap of the exponential retry delay
 * @param onFailure {@code udf.on-failure}: retry-forever, drop or fail once attempts are exhausted
 * @param stallTimeout {@code udf.stall-timeout}: silence, with work in flight, after which the UDF is stalled
 * @param maxMessageSize {@code udf.max-message-size}: largest gRPC message sent or accepted, in bytes
 * @param reconnectInitialBackoff {@code udf.reconnect.initial-backoff}: delay before the first reconnect
 * @param reconnectMaxBackoff {@code udf.reconnect.max-backoff}: cap of the exponential reconnect delay
 * @param batchSize {@code map.batch-size}: elements per batch in batch mode (used by the engine)
 * @param batchTimeout {@code map.batch-timeout}: longest wait to fill a batch (used by the engine)
 * @param serverInfoFile {@code udf.server-info-file}: the SDK's server-info file, or null for none
 * @param serverInfoTimeout {@code udf.server-info-timeout}: how long to wait for that file to be complete
 * @param tls {@code udf.tls.*}: TLS (and a client certificate for mutual TLS) towards the UDF
 * @param modeConfigured true if {@code map.mode} was set (not its default): then a server-info file
 *     saying another mode is a mismatch to report, not a choice to follow
 */
public record UdfConfig(
    String address,
    UdfMode mode,
    Duration timeout,
    int retryMaxAttempts,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    OnFailure onFailure,
    Duration stallTimeout,
    int maxMessageSize,
    Duration reconnectInitialBackoff,
    Duration reconnectMaxBackoff,
    int batchSize,
    Duration batchTimeout,
    String serverInfoFile,
    Duration serverInfoTimeout,
    TlsOptions tls,
    boolean modeConfigured) {

  /** 64 MiB, the gRPC max message size of the Numaflow SDKs. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = UdfConnection.DEFAULT_MAX_MESSAGE_SIZE;

  /** The defaults bundled with map-service. */
  public static UdfConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static UdfConfigBuilder builder() {
    return new UdfConfigBuilder();
  }

  /** A builder starting from this config. */
  public UdfConfigBuilder toBuilder() {
    return new UdfConfigBuilder(this);
  }

  /** The transport's settings: the {@code udf.*} keys of a {@link UdfConnection}. */
  public UdfConnection connection() {
    return UdfConnection.builder("udf").address(address).timeout(timeout).stallTimeout(stallTimeout)
        .maxMessageSize(maxMessageSize).reconnectBackoff(reconnectInitialBackoff, reconnectMaxBackoff)
        .serverInfoFile(serverInfoFile).serverInfoTimeout(serverInfoTimeout).tls(tls).build();
  }

  /**
   * Checks every field and returns one message per bad one, naming the key, the value and
   * what is allowed; empty when the config is usable.
   */
  public static List<String> validate(UdfConfig c) {
    List<String> bad = new ArrayList<>();
    UdfChecks.address(bad, "udf.address", c.address);
    if (c.mode == null) {
      bad.add("map.mode: missing; allowed: unary-map, batch-map, stream-map");
    }
    UdfChecks.positive(bad, "udf.timeout", c.timeout);
    if (c.retryMaxAttempts < 1) {
      bad.add("udf.retry.max-attempts: " + c.retryMaxAttempts + " is not allowed; must be at least 1");
    }
    UdfChecks.backoff(bad, "udf.retry", c.retryInitialBackoff, c.retryMaxBackoff);
    if (c.onFailure == null) {
      bad.add("udf.on-failure: missing; allowed: retry-forever, drop, fail");
    }
    UdfChecks.positive(bad, "udf.stall-timeout", c.stallTimeout);
    UdfChecks.maxMessageSize(bad, "udf.max-message-size", c.maxMessageSize);
    UdfChecks.backoff(bad, "udf.reconnect", c.reconnectInitialBackoff, c.reconnectMaxBackoff);
    if (c.batchSize < 1) {
      bad.add("map.batch-size: " + c.batchSize + " is not allowed; must be at least 1");
    }
    UdfChecks.positive(bad, "map.batch-timeout", c.batchTimeout);
    UdfChecks.optionalPath(bad, "udf.server-info-file", c.serverInfoFile);
    UdfChecks.positive(bad, "udf.server-info-timeout", c.serverInfoTimeout);
    UdfChecks.tls(bad, "udf.tls", c.tls);
    return bad;
  }

  /**
   * A first exchange without the answer its mode expects for this long (capped at
   * {@code udf.timeout}) is checked for a mode mismatch: well before the timeouts and the stall.
   */
  static final long MODE_CHECK_NANOS = Duration.ofSeconds(2).toNanos();

  /** How long a first exchange may stay without the answer its mode expects before its shape is checked. */
  long modeCheckNanos() {
    return Math.min(timeout.toNanos(), MODE_CHECK_NANOS);
  }

  /** The client's sweep period: a quarter of the shortest delay the sweep serves, between 5 and 100 ms. */
  long sweepPeriodMillis() {
    Duration shortest = timeout;
    for (Duration d : List.of(retryInitialBackoff, reconnectInitialBackoff, stallTimeout)) {
      if (d.compareTo(shortest) < 0) {
        shortest = d;
      }
    }
    return Math.max(5, Math.min(100, shortest.toMillis() / 4));
  }
}
