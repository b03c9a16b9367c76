package io.flowmesh.map;

import io.flowmesh.map.concurrency.ConcurrencyType;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.edge.Upstreams;
import io.flowmesh.runtime.edge.EdgeRoutes;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.udf.UdfKeys;
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
  public static final ConfigKey<Set<String>> EDGE_TO = EdgeRoutes.toKey("map");
  public static final ConfigKey<String> EDGE_CONDITION = EdgeRoutes.conditionKey("map");
  public static final ConfigKey<List<HostPort>> UPSTREAM = ConfigKey.of("map.upstream", "127.0.0.1:7001", Types.HOST_PORTS,
      "the source's edge, host:port; several separated by commas; a name resolving to several addresses subscribes to each");
  public static final ConfigKey<String> UPSTREAM_NAMED = Upstreams.namedKey("map");
  public static final ConfigKey<Duration> UPSTREAM_GONE_AFTER = Upstreams.goneAfterKey("map");
  public static final ConfigKey<Duration> RESOLVE_INTERVAL = ConfigKey.of("map.resolve-interval", "10s", Types.durationRange("100ms", "1h"),
      "how often the upstream name is resolved again for new replicas");
  public static final ConfigKey<Integer> CONCURRENCY = ConfigKey.of("map.concurrency", "500", new ConcurrencyType(1, 100_000),
      "permits: most elements in the UDF at once, per instance; auto: a limit that follows the UDF's latency and errors "
          + "between map.concurrency.min and map.concurrency.max (docs/concurrency.md)");
  public static final ConfigKey<Integer> CONCURRENCY_MIN = ConfigKey.of("map.concurrency.min", "1", Types.intRange(1, 100_000),
      "map.concurrency=auto: the lowest limit (errors and timeouts shrink it down to this)");
  public static final ConfigKey<Integer> CONCURRENCY_MAX = ConfigKey.of("map.concurrency.max", "1000", Types.intRange(1, 100_000),
      "map.concurrency=auto: the highest limit; the limit starts at 4 (within the bounds) and probes up");
  public static final ConfigKey<Duration> CONCURRENCY_PROBE_INTERVAL = ConfigKey.of("map.concurrency.probe-interval", "30s",
      Types.durationRange("1ms", "24h"), "map.concurrency=auto: how often the UDF's latency without queueing is measured again "
          + "(the limit is halved for one window of answers)");
  public static final ConfigKey<String> MODE = ConfigKey.of("map.mode", "unary-map",
      Types.oneOf("unary-map", "map", "batch-map", "stream-map"),
      "the UDF's map mode, Numaflow's names: unary-map (alias map; each element answered on its own, out of order), "
          + "batch-map (a batch per MapFn stream, closed by an EOT) or stream-map (each element answered by 0..n "
          + "results and an EOT of its own; Numaflow's socket mapstream.sock). Must match the "
          + "UDF's mode; unset, a server-info file (udf.server-info-file) chooses it");
  public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.of("map.batch-size", "64", Types.intRange(1, 100_000),
      "batch-map: elements per batch");
  public static final ConfigKey<Duration> BATCH_TIMEOUT = ConfigKey.of("map.batch-timeout", "50ms", Types.durationRange("1ms", "1h"),
      "batch-map: longest wait to fill a batch");
  public static final ConfigKey<String> ORDERING = ConfigKey.of("map.ordering", "none", Types.oneOf("none", "key"),
      "key: one element per key in flight, per-key output order = input order; other keys run concurrently");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.of("map.instances", "1", Types.intRange(0, 256),
      "map instances, each on its own event loop with its own upstream subscription and UDF stream, sharing "
      + "one output edge (0 = one per vertx.event-loops; beyond that many they share loops round robin); raise it only when "
      + "map-service's own work needs more than one core");
  public static final ConfigKey<Integer> OUTPUT_CAPACITY = ConfigKey.of("map.output-capacity", "1024", Types.intRange(1, 1 << 22),
      "per instance, outputs sent downstream and not yet acked; dispatch to the UDF pauses at it (the outputs of elements already in the UDF are still taken); "
          + "keep it well above edge.max-batch: a downstream holds up to that many acks for edge.ack-delay");

  /**
   * {@code edge.input-capacity} with map's own default, 256 instead of 8,192. The engine takes from
   * the buffer only what it can start, so the buffer only has to cover the time a credit takes to
   * bring input; what waits beyond that is live heap that every young collection copies again
   * (map-service's small young generation collects ~90 times a second at full rate). 256 against
   * 1,024 in alternating runs: mean young pause 1.4 to 1.0 ms, map CPU per message -11 %, scenario 2
   * +8 %, the skewed UDF at concurrency 512 unchanged (BENCHMARKS.md, "A smaller map input
   * buffer"); a lagging map holds ~0.1 MB of buffered 500-byte input, not ~0.5.
   */
  public static final ConfigKey<Integer> EDGE_INPUT_CAPACITY = CommonKeys.EDGE_INPUT_CAPACITY.withDefault("256",
      "map-service", "a map's buffered input waits for the UDF, and a smaller buffer keeps its working set and its heap small "
          + "(map-service/jvm.options is sized for it)");

  /**
   * The edge's byte bound, for map-service: 8 MiB of input payload buffered or held unacked (in the
   * UDF, or as outputs waiting for downstream acks), against the 64 MiB the other services take. With
   * {@code map-service/jvm.options}' 40 MB heap, 64 MiB of 100 KB messages ran the map out of memory
   * within seconds; 8 MiB holds the map's inputs, their outputs and the copies in between. An input
   * whose outputs wait for their acks is still counted although the map has let go of it (unless it
   * is serving): its size stands for its outputs', which are what stays in memory then.
   */
  public static final ConfigKey<Long> EDGE_INPUT_BYTES = CommonKeys.EDGE_INPUT_BYTES.withDefault("8MiB",
      "map-service", "input bytes buffered or held unacked in the map (in the UDF, or standing for their outputs "
          + "waiting for downstream acks) must fit its 40 MB heap with their copies; raise it with the heap (map-service/jvm.options)");

  /** The UDF transport's keys ({@code udf.address}, {@code udf.timeout}, {@code udf.tls.*}, ...), as map has always had them. */
  public static final UdfKeys UDF = UdfKeys.under("udf")
      .defaultAddress("tcp://127.0.0.1:50051")
      .describe("timeout", "per-request timeout; an unanswered element is retried")
      .describe("reconnect.initial-backoff", "first delay before reopening a broken MapFn stream (exponential, with jitter)")
      .describe("server-info-file", "Numaflow server-info file; when set, the UDF's MAP_MODE in it chooses the mode")
      .build();

  public static final ConfigKey<String> UDF_ADDRESS = UDF.address();
  public static final ConfigKey<Duration> UDF_TIMEOUT = UDF.timeout();
  public static final ConfigKey<Integer> UDF_MAX_ATTEMPTS = ConfigKey.of("udf.retry.max-attempts", "3", Types.intRange(1, 1_000_000),
      "attempts per element before udf.on-failure applies");
  public static final ConfigKey<Duration> UDF_RETRY_BACKOFF = ConfigKey.of("udf.retry.initial-backoff", "100ms", Types.durationRange("1ms", "1m"),
      "first retry delay (exponential, with jitter)");
  public static final ConfigKey<Duration> UDF_RETRY_MAX_BACKOFF = ConfigKey.of("udf.retry.max-backoff", "5s", Types.durationRange("1ms", "10m"),
      "cap of the retry delay");
  public static final ConfigKey<String> UDF_ON_FAILURE = ConfigKey.of("udf.on-failure", "fail", Types.oneOf("retry-forever", "drop", "fail"),
      "after the last attempt: retry-forever, drop (ack and count), or fail (nack: the upstream redelivers later)");
  public static final ConfigKey<Duration> UDF_STALL_TIMEOUT = UDF.stallTimeout();
  public static final ConfigKey<Long> UDF_MAX_MESSAGE = UDF.maxMessageSize();
  public static final ConfigKey<Duration> UDF_RECONNECT_BACKOFF = UDF.reconnectInitialBackoff();
  public static final ConfigKey<Duration> UDF_RECONNECT_MAX_BACKOFF = UDF.reconnectMaxBackoff();
  public static final ConfigKey<Duration> UDF_SERVER_INFO_TIMEOUT = UDF.serverInfoTimeout();
  public static final ConfigKey<String> UDF_SERVER_INFO = UDF.serverInfoFile();
  public static final ConfigKey<Boolean> UDF_TLS_ENABLED = UDF.tlsEnabled();
  public static final ConfigKey<String> UDF_TLS_CA = UDF.tlsCa();
  public static final ConfigKey<String> UDF_TLS_CERT = UDF.tlsCert();
  public static final ConfigKey<String> UDF_TLS_KEY = UDF.tlsKey();
  public static final ConfigKey<Boolean> UDF_TLS_VERIFY_HOST = UDF.tlsVerifyHost();

  public static List<ConfigKey<?>> all() {
    return List.of(HTTP_PORT, EDGE_PORT, ALLOWED_SUBSCRIBERS, EDGE_TO, EDGE_CONDITION, UPSTREAM, RESOLVE_INTERVAL, CONCURRENCY, CONCURRENCY_MIN, CONCURRENCY_MAX,
        CONCURRENCY_PROBE_INTERVAL, MODE, BATCH_SIZE, BATCH_TIMEOUT, ORDERING,
        INSTANCES, OUTPUT_CAPACITY, UDF_ADDRESS, UDF_TIMEOUT, UDF_MAX_ATTEMPTS, UDF_RETRY_BACKOFF, UDF_RETRY_MAX_BACKOFF,
        UDF_ON_FAILURE, UDF_STALL_TIMEOUT, UDF_MAX_MESSAGE, UDF_RECONNECT_BACKOFF, UDF_RECONNECT_MAX_BACKOFF, UDF_SERVER_INFO,
        UDF_SERVER_INFO_TIMEOUT, UDF_TLS_ENABLED, UDF_TLS_CA, UDF_TLS_CERT, UDF_TLS_KEY, UDF_TLS_VERIFY_HOST,
        UPSTREAM_NAMED, UPSTREAM_GONE_AFTER);
  }
}
