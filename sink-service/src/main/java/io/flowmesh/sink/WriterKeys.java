package io.flowmesh.sink;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.udf.UdfKeys;
import java.util.List;
import java.util.Map;

/**
 * The keys that say where one writer of the sink writes, under a prefix: the primary's under
 * {@code sink} ({@code sink.type}, {@code sink.path}, {@code sink.kafka.topic}, {@code sink.udsink.address}, ...),
 * the fallback sink's under {@code sink.fallback} and the on-success sink's under
 * {@code sink.on-success}, with the same sub-keys. {@link SinkWriters} builds a writer from them.
 *
 * <h2>Concurrency</h2>
 * Immutable.
 */
public final class WriterKeys {

  /** The primary writer, {@code sink.*}. */
  public static final WriterKeys PRIMARY = new WriterKeys("sink", "primary sink", "log",
      "unix:///var/run/numaflow/sink.sock", "/var/run/numaflow/sinker-server-info");
  /** The fallback sink, {@code sink.fallback.*}: FALLBACK results of a udsink, and final failures with sink.on-failure=fallback. */
  public static final WriterKeys FALLBACK = new WriterKeys("sink.fallback", "fallback sink", null,
      "unix:///var/run/numaflow/fb-sink.sock", "/var/run/numaflow/fb-sinker-server-info");
  /** The on-success sink, {@code sink.on-success.*}: ON_SUCCESS results of a udsink. */
  public static final WriterKeys ON_SUCCESS = new WriterKeys("sink.on-success", "on-success sink", null,
      "unix:///var/run/numaflow/ons-sink.sock", "/var/run/numaflow/ons-sinker-server-info");

  private final String prefix;
  private final String role;
  public final ConfigKey<String> type;
  public final ConfigKey<String> path;
  public final ConfigKey<Boolean> fsync;
  public final ConfigKey<Long> maxFileBytes;
  public final ConfigKey<Integer> keepFiles;
  public final ConfigKey<String> kafkaBootstrap;
  public final ConfigKey<String> kafkaTopic;
  public final ConfigKey<Long> kafkaMaxBytes;
  public final ConfigKey<String> kafkaClient;
  public final UdfKeys udsink;

  private WriterKeys(String prefix, String role, String defaultType, String socket, String serverInfo) {
    this.prefix = prefix;
    this.role = role;
    String p = prefix + ".";
    boolean primary = defaultType != null;
    type = primary
        ? ConfigKey.of(p + "type", defaultType, Types.oneOf("log", "blackhole", "file", "kafka", "udsink"),
            "log: one line per message on stdout; blackhole: ack at once; file: NDJSON appended to sink.path;"
                + " kafka: records of sink.kafka.topic; udsink: a user-defined sink (Numaflow sink.v1) at sink.udsink.address")
        : ConfigKey.of(p + "type", null, Types.oneOf("log", "file", "kafka", "udsink"),
            "the " + role + ", configured like the primary with the keys under " + p + " (" + p + "path, " + p + "kafka.topic, "
                + p + "udsink.address, ...): log, file, kafka or udsink; unset = none");
    path = ConfigKey.of(p + "path", null, Types.STRING, "file: the NDJSON file of the " + role + " (created if missing)");
    fsync = ConfigKey.of(p + "fsync", "false", Types.BOOLEAN, "file: fsync after every batch of the " + role + " before acking it");
    maxFileBytes = ConfigKey.of(p + "max-file-bytes", "0", Types.SIZE,
        "file: before a batch would take " + p + "path past this size, the file is renamed to " + p + "path.1 (older ones to .2, ...)"
            + " and a new one started, so the files stay bounded; 0 = one file that grows without bound");
    keepFiles = ConfigKey.of(p + "keep-files", "1", Types.intRange(0, 100),
        "file, with " + p + "max-file-bytes: how many renamed files are kept; older ones are deleted (0: the full file is)");
    kafkaBootstrap = ConfigKey.of(p + "kafka.bootstrap-servers", null, Types.STRING,
        "kafka: host:port[,host:port...] of the " + role + "'s brokers (required with " + p + "type=kafka)");
    kafkaTopic = ConfigKey.of(p + "kafka.topic", null, Types.STRING,
        "kafka: the topic the " + role + " writes to (required with " + p + "type=kafka)");
    kafkaMaxBytes = ConfigKey.of(p + "kafka.max-bytes-in-flight", "32MiB", Types.SIZE,
        "kafka: the producer's buffer (buffer.memory): record bytes not yet acknowledged by the broker");
    kafkaClient = ConfigKey.prefix(p + "kafka.client.",
        "kafka: any other Kafka producer property of the " + role + ", passed through as it is: " + p + "kafka.client.compression.type=lz4, ...;"
            + " secrets (names with password, secret, jaas, ... or ending in .key) are shown as *** in /status", Map.of(
            "bootstrap.servers", "use " + p + "kafka.bootstrap-servers",
            "buffer.memory", "use " + p + "kafka.max-bytes-in-flight",
            "acks", "it is all: a message is acked upstream only once every in-sync replica has its record",
            "enable.idempotence", "it is true, so the producer's retries write no duplicates",
            "transactional.id", "the sink does not write in transactions",
            "key.serializer", "keys are written as bytes",
            "value.serializer", "values are written as bytes"));
    udsink = UdfKeys.under(p + "udsink").defaultAddress(socket)
        .describe("address", "udsink: the " + role + "'s user-defined sink (Numaflow sink.v1): tcp://host:port or unix:///path"
            + " (Numaflow's socket is " + socket + ")")
        .describe("server-info-file", "udsink: the " + role + " SDK's server-info file (Numaflow's is " + serverInfo + "), read before connecting")
        .build();
  }

  public String prefix() {
    return prefix;
  }

  /** {@code primary sink}, {@code fallback sink}, {@code on-success sink}: for errors and logs. */
  public String role() {
    return role;
  }

  /** Every key but {@link #type} (the primary declares its own order). */
  public List<ConfigKey<?>> writerKeys() {
    List<ConfigKey<?>> all = new java.util.ArrayList<>(List.of(path, fsync, maxFileBytes, keepFiles, kafkaBootstrap, kafkaTopic,
        kafkaMaxBytes, kafkaClient));
    all.addAll(udsink.all());
    return all;
  }
}
