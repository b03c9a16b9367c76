package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.UdfChecks;
import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the map vertex reaches and treats its UDF. Immutable; build one with
 * {@link #builder()} or take {@link #defaults()}, then check it with {@link #validate}.
 * Each component's config key is given in its description. The transport's part, under the
 * {@code udf} prefix, is the shared {@link UdfConnection}; the rest (mode, retries, batches) is map's.
 *
 * @param connection {@code udf.*}: address, timeout, stall timeout, max message size, reconnect
 *     backoff, server-info file and TLS, as for every UDF client ({@code udf.timeout} is how long
 *     one attempt may stay unanswered)
 * @param mode {@code map.mode}: unary, batch or stream map (the server-info file may override it)
 * @param retryMaxAttempts {@code udf.retry.max-attempts}: attempts before {@code onFailure} applies
 * @param retryInitialBackoff {@code udf.retry.initial-backoff}: delay before the first retry
 * @param retryMaxBackoff {@code udf.retry.max-backoff}: cap of the exponential retry delay
 * @param onFailure {@code udf.on-failure}: retry-forever, drop or fail once attempts are exhausted
 * @param batchSize {@code map.batch-size}: elements per batch in batch mode (used by the engine)
 * @param batchTimeout {@code map.batch-timeout}: longest wait to fill a batch (used by the engine)
 * @param modeConfigured true if {@code map.mode} was set (not its default): then a server-info file
 *     saying another mode is a mismatch to report, not a choice to follow
 */
public record UdfConfig(
    UdfConnection connection,
    UdfMode mode,
    int retryMaxAttempts,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    OnFailure onFailure,
    int batchSize,
    Duration batchTimeout,
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

  /**
   * Checks every field and returns one message per bad one, naming the key, the value and
   * what is allowed; empty when the config is usable.
   */
  public static List<String> validate(UdfConfig c) {
    List<String> bad = new ArrayList<>();
    if (c.connection == null) {
      bad.add("udf: the connection settings (udf.address, udf.timeout, ...) are missing");
    } else {
      bad.addAll(c.connection.validate());
    }
    bad.addAll(c.mapProblems());
    return bad;
  }

  /** As {@link #validate}, for map's own fields only (the connection's are checked where it is read). */
  public List<String> mapProblems() {
    List<String> bad = new ArrayList<>();
    if (mode == null) {
      bad.add("map.mode: missing; allowed: unary-map, batch-map, stream-map");
    }
    if (retryMaxAttempts < 1) {
      bad.add("udf.retry.max-attempts: " + retryMaxAttempts + " is not allowed; must be at least 1");
    }
    UdfChecks.backoff(bad, "udf.retry", retryInitialBackoff, retryMaxBackoff);
    if (onFailure == null) {
      bad.add("udf.on-failure: missing; allowed: retry-forever, drop, fail");
    }
    if (batchSize < 1) {
      bad.add("map.batch-size: " + batchSize + " is not allowed; must be at least 1");
    }
    UdfChecks.positive(bad, "map.batch-timeout", batchTimeout);
    return bad;
  }

  /**
   * A first exchange without the answer its mode expects for this long (capped at
   * {@code udf.timeout}) is checked for a mode mismatch: well before the timeouts and the stall.
   */
  static final long MODE_CHECK_NANOS = Duration.ofSeconds(2).toNanos();

  /** How long a first exchange may stay without the answer its mode expects before its shape is checked. */
  long modeCheckNanos() {
    return Math.min(connection.timeout().toNanos(), MODE_CHECK_NANOS);
  }

  /** The client's sweep period: a quarter of the shortest delay the sweep serves, between 5 and 100 ms. */
  long sweepPeriodMillis() {
    Duration shortest = connection.timeout();
    for (Duration d : List.of(retryInitialBackoff, connection.reconnectInitialBackoff(), connection.stallTimeout())) {
      if (d.compareTo(shortest) < 0) {
        shortest = d;
      }
    }
    return Math.max(5, Math.min(100, shortest.toMillis() / 4));
  }
}
