package io.flowmesh.sink;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The {@code sink.*} keys: where the sink reads from, where it writes, and how. */
public final class SinkKeys {

  private SinkKeys() {
  }

  public static final ConfigKey<String> TYPE = ConfigKey.of("sink.type", "log", Types.oneOf("log", "blackhole", "file", "kafka"),
      "log: one line per message on stdout; blackhole: ack at once; file: NDJSON appended to sink.path; kafka: records of sink.kafka.topic");
  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("sink.http.port", "8083", Types.PORT,
      "port of /livez, /readyz, /metrics and /status; 0 = any free port");
  public static final ConfigKey<List<HostPort>> UPSTREAM = ConfigKey.of("sink.upstream", "127.0.0.1:7002", Types.HOST_PORTS,
      "the upstream vertex's edge, host:port; several separated by commas (one subscription each); a name resolving to several addresses gets one subscription per address");
  public static final ConfigKey<Duration> RESOLVE_INTERVAL = ConfigKey.of("sink.resolve-interval", "10s", Types.DURATION,
      "how often the upstream's name is resolved again (new addresses subscribed, gone ones closed)");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.of("sink.instances", "1", Types.intRange(1, 64),
      "sink verticle instances, each with its own subscriptions");
  public static final ConfigKey<String> PATH = ConfigKey.of("sink.path", null, Types.STRING,
      "file: the NDJSON file to append to (created if missing)");
  public static final ConfigKey<Boolean> FSYNC = ConfigKey.of("sink.fsync", "false", Types.BOOLEAN,
      "file: fsync after every batch before acking it");
  public static final ConfigKey<Long> MAX_FILE_BYTES = ConfigKey.of("sink.max-file-bytes", "0", Types.SIZE,
      "file: before a batch would take sink.path past this size, the file is renamed to sink.path.1 (older ones to .2, ...)"
          + " and a new one started, so the files stay bounded; 0 = one file that grows without bound");
  public static final ConfigKey<Integer> KEEP_FILES = ConfigKey.of("sink.keep-files", "1", Types.intRange(0, 100),
      "file, with sink.max-file-bytes: how many renamed files (sink.path.1 newest ... sink.path.N) are kept; older ones are deleted (0: the full file is)");
  public static final ConfigKey<Integer> DEDUPE_WINDOW = ConfigKey.of("sink.dedupe-window", "0", Types.intRange(0, 10_000_000),
      "message ids remembered (per instance) to drop redelivered duplicates; 0 = off");
  public static final ConfigKey<Double> THROTTLE = ConfigKey.of("sink.throttle", "0", Types.doubleRange(0, 1e9),
      "messages per second per instance, to make a deliberately slow sink; 0 = off");
  public static final ConfigKey<Long> MAX_BATCH_BYTES = ConfigKey.of("sink.max-batch-bytes", "4MiB", Types.SIZE,
      "while a write is outstanding, stop taking deliveries once this many bytes wait for the next one");
  public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.of("sink.retry-backoff", "1s", Types.DURATION,
      "after a failed write (its messages nacked), how long to take nothing");

  public static final ConfigKey<String> ON_FAILURE = ConfigKey.of("sink.on-failure", "retry", Types.oneOf("retry", "drop"),
      "a message that finally fails to be written: retry (nacked, delivered again after sink.retry-backoff) or drop (acked, counted)");
  public static final ConfigKey<String> KAFKA_BOOTSTRAP = ConfigKey.of("sink.kafka.bootstrap-servers", null, Types.STRING,
      "kafka: host:port[,host:port...] of the brokers (required with sink.type=kafka)");
  public static final ConfigKey<String> KAFKA_TOPIC = ConfigKey.of("sink.kafka.topic", null, Types.STRING,
      "kafka: the topic written to (required with sink.type=kafka)");
  public static final ConfigKey<Long> KAFKA_MAX_BYTES = ConfigKey.of("sink.kafka.max-bytes-in-flight", "32MiB", Types.SIZE,
      "kafka: the producer's buffer (buffer.memory): record bytes not yet acknowledged by the broker");
  public static final ConfigKey<String> KAFKA_CLIENT = ConfigKey.prefix("sink.kafka.client.",
      "kafka: any other Kafka producer property, passed through as it is: sink.kafka.client.security.protocol=SASL_SSL,"
      + " sink.kafka.client.compression.type=lz4, ...; secrets (names with password, secret, jaas, ... or ending in .key) are"
      + " shown as *** in /status. In the environment, FLOWMESH_SINK_KAFKA_CLIENT_COMPRESSION_TYPE is compression.type"
      + " (lower case, _ read as .)", Map.of(
          "bootstrap.servers", "use sink.kafka.bootstrap-servers",
          "buffer.memory", "use sink.kafka.max-bytes-in-flight",
          "acks", "it is all: a message is acked upstream only once every in-sync replica has its record",
          "enable.idempotence", "it is true, so the producer's retries write no duplicates",
          "transactional.id", "the sink does not write in transactions",
          "key.serializer", "keys are written as bytes",
          "value.serializer", "values are written as bytes"));

  /** Every sink key. */
  public static List<ConfigKey<?>> keys() {
    return List.of(TYPE, HTTP_PORT, UPSTREAM, RESOLVE_INTERVAL, INSTANCES, PATH, FSYNC, MAX_FILE_BYTES, KEEP_FILES, DEDUPE_WINDOW, THROTTLE,
        MAX_BATCH_BYTES, RETRY_BACKOFF, ON_FAILURE, KAFKA_BOOTSTRAP, KAFKA_TOPIC, KAFKA_MAX_BYTES, KAFKA_CLIENT);
  }
}
