package io.flowmesh.map;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** map-service's own configuration keys ({@code map.*} and {@code udf.*}). */
public final class MapKeys {

  private MapKeys() {
  }

  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("map.http.port", "8082", Types.PORT,
      "HTTP port of /livez, /readyz, /metrics and /status");
  public static final ConfigKey<Integer> EDGE_PORT = ConfigKey.of("map.edge.port", "7002", Types.PORT,
      "port of the edge the sink subscribes to");
  public static final ConfigKey<Set<String>> ALLOWED_SUBSCRIBERS = ConfigKey.of("map.edge.allowed-subscribers", "sink", Types.NAMES,
      "vertex names that may subscribe to the edge (their hello's vertex); any other is refused with PERMISSION_DENIED; "
      + "* allows any name");
  public static final ConfigKey<List<HostPort>> UPSTREAM = ConfigKey.of("map.upstream", "127.0.0.1:7001", Types.HOST_PORTS,
      "the source's edge, host:port; several separated by commas; a name resolving to several addresses subscribes to each");
  public static final ConfigKey<Duration> RESOLVE_INTERVAL = ConfigKey.of("map.resolve-interval", "10s", Types.DURATION,
      "how often the upstream name is resolved again for new replicas");
  public static final ConfigKey<Integer> CONCURRENCY = ConfigKey.of("map.concurrency", "500", Types.intRange(1, 100_000),
      "permits: most elements in the UDF at once, per instance");
  public static final ConfigKey<String> MODE = ConfigKey.of("map.mode", "unary-map",
      Types.oneOf("unary-map", "map", "batch-map", "stream-map"),
      "the UDF's map mode, Numaflow's names: unary-map (alias map; each element answered on its own, out of order) or "
          + "batch-map (a batch per MapFn stream, closed by an EOT); stream-map is not supported yet. Must match the "
          + "UDF's mode; unset, a server-info file (udf.server-info-file) chooses it");
  public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.of("map.batch-size", "64", Types.intRange(1, 100_000),
      "batch-map: elements per batch");
  public static final ConfigKey<Duration> BATCH_TIMEOUT = ConfigKey.of("map.batch-timeout", "50ms", Types.DURATION,
      "batch-map: longest wait to fill a batch");
  public static final ConfigKey<String> ORDERING = ConfigKey.of("map.ordering", "none", Types.oneOf("none", "key"),
      "key: one element per key in flight, per-key output order = input order; other keys run concurrently");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.of("map.instances", "0", Types.intRange(0, 256),
      "verticle instances, each with its own upstream subscription and UDF stream (0 = vertx.event-loops)");
  public static final ConfigKey<Integer> OUTPUT_CAPACITY = ConfigKey.of("map.output-capacity", "8192", Types.intRange(1, 1 << 22),
      "per instance, outputs sent downstream and not yet acked; dispatch to the UDF pauses at it");

  public static final ConfigKey<String> UDF_ADDRESS = ConfigKey.of("udf.address", "tcp://127.0.0.1:50051", Types.STRING,
      "the UDF server: tcp://host:port or unix:///path/to/socket");
  public static final ConfigKey<Duration> UDF_TIMEOUT = ConfigKey.of("udf.timeout", "30s", Types.DURATION,
      "per-request timeout; an unanswered element is retried");
  public static final ConfigKey<Integer> UDF_MAX_ATTEMPTS = ConfigKey.of("udf.retry.max-attempts", "3", Types.intRange(1, 1_000_000),
      "attempts per element before udf.on-failure applies");
  public static final ConfigKey<Duration> UDF_RETRY_BACKOFF = ConfigKey.of("udf.retry.initial-backoff", "100ms", Types.DURATION,
      "first retry delay (exponential, with jitter)");
  public static final ConfigKey<Duration> UDF_RETRY_MAX_BACKOFF = ConfigKey.of("udf.retry.max-backoff", "5s", Types.DURATION,
      "cap of the retry delay");
  public static final ConfigKey<String> UDF_ON_FAILURE = ConfigKey.of("udf.on-failure", "fail", Types.oneOf("retry-forever", "drop", "fail"),
      "after the last attempt: retry-forever, drop (ack and count), or fail (nack: the upstream redelivers later)");
  public static final ConfigKey<Duration> UDF_STALL_TIMEOUT = ConfigKey.of("udf.stall-timeout", "60s", Types.DURATION,
      "no response for this long while work is in flight: not ready, and the stream is restarted");
  public static final ConfigKey<Long> UDF_MAX_MESSAGE = ConfigKey.of("udf.max-message-size", "64MiB", Types.SIZE,
      "gRPC max message size towards the UDF (the SDKs use 64MiB)");
  public static final ConfigKey<Duration> UDF_RECONNECT_BACKOFF = ConfigKey.of("udf.reconnect.initial-backoff", "100ms",
      Types.DURATION, "first delay before reopening a broken MapFn stream (exponential, with jitter)");
  public static final ConfigKey<Duration> UDF_RECONNECT_MAX_BACKOFF = ConfigKey.of("udf.reconnect.max-backoff", "10s",
      Types.DURATION, "cap of the reconnect delay");
  public static final ConfigKey<Duration> UDF_SERVER_INFO_TIMEOUT = ConfigKey.of("udf.server-info-timeout", "60s",
      Types.DURATION, "how long to wait for the server-info file to be complete");
  public static final ConfigKey<String> UDF_SERVER_INFO = ConfigKey.of("udf.server-info-file", null, Types.STRING,
      "Numaflow server-info file; when set, the UDF's MAP_MODE in it chooses the mode");

  public static final ConfigKey<Boolean> UDF_TLS_ENABLED = ConfigKey.of("udf.tls.enabled", "false", Types.BOOLEAN,
      "TLS towards the UDF (HTTP/2 negotiated with ALPN)");
  public static final ConfigKey<String> UDF_TLS_CA = ConfigKey.of("udf.tls.ca", null, Types.STRING,
      "PEM certificates trusted for the UDF server (unset: the JVM's trust store)");
  public static final ConfigKey<String> UDF_TLS_CERT = ConfigKey.of("udf.tls.cert", null, Types.STRING,
      "PEM client certificate presented to the UDF (mutual TLS)");
  public static final ConfigKey<String> UDF_TLS_KEY = ConfigKey.of("udf.tls.key", null, Types.STRING,
      "PEM private key of udf.tls.cert");
  public static final ConfigKey<Boolean> UDF_TLS_VERIFY_HOST = ConfigKey.of("udf.tls.verify-host", "true", Types.BOOLEAN,
      "check that the UDF's certificate names the host in udf.address");

  public static List<ConfigKey<?>> all() {
    return List.of(HTTP_PORT, EDGE_PORT, ALLOWED_SUBSCRIBERS, UPSTREAM, RESOLVE_INTERVAL, CONCURRENCY, MODE, BATCH_SIZE, BATCH_TIMEOUT, ORDERING,
        INSTANCES, OUTPUT_CAPACITY, UDF_ADDRESS, UDF_TIMEOUT, UDF_MAX_ATTEMPTS, UDF_RETRY_BACKOFF, UDF_RETRY_MAX_BACKOFF,
        UDF_ON_FAILURE, UDF_STALL_TIMEOUT, UDF_MAX_MESSAGE, UDF_RECONNECT_BACKOFF, UDF_RECONNECT_MAX_BACKOFF, UDF_SERVER_INFO,
        UDF_SERVER_INFO_TIMEOUT, UDF_TLS_ENABLED, UDF_TLS_CA, UDF_TLS_CERT, UDF_TLS_KEY, UDF_TLS_VERIFY_HOST);
  }
}
