package io.flowmesh.sink;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.edge.Upstreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code sink.*} keys: where the sink reads from, where it writes, and how. */
public final class SinkKeys {

  private SinkKeys() {
  }

  public static final ConfigKey<String> TYPE = WriterKeys.PRIMARY.type;
  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("sink.http.port", "8083", Types.PORT,
      "port of /livez, /readyz, /metrics and /status; 0 = any free port");
  public static final ConfigKey<List<HostPort>> UPSTREAM = ConfigKey.of("sink.upstream", "127.0.0.1:7002", Types.HOST_PORTS,
      "the upstream vertex's edge, host:port; several separated by commas (one subscription each); a name resolving to several addresses gets one subscription per address");
  public static final ConfigKey<String> UPSTREAM_NAMED = Upstreams.namedKey("sink");
  public static final ConfigKey<Duration> UPSTREAM_GONE_AFTER = Upstreams.goneAfterKey("sink");
  public static final ConfigKey<Duration> RESOLVE_INTERVAL = ConfigKey.of("sink.resolve-interval", "10s", Types.durationRange("100ms", "1h"),
      "how often the upstream's name is resolved again (new addresses subscribed, gone ones closed)");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.of("sink.instances", "1", Types.intRange(1, 64),
      "sink verticle instances, each with its own subscriptions");
  public static final ConfigKey<String> PATH = WriterKeys.PRIMARY.path;
  public static final ConfigKey<Boolean> FSYNC = WriterKeys.PRIMARY.fsync;
  public static final ConfigKey<Long> MAX_FILE_BYTES = WriterKeys.PRIMARY.maxFileBytes;
  public static final ConfigKey<Integer> KEEP_FILES = WriterKeys.PRIMARY.keepFiles;
  public static final ConfigKey<Integer> DEDUPE_WINDOW = ConfigKey.of("sink.dedupe-window", "0", Types.intRange(0, 10_000_000),
      "message ids remembered (per instance) to drop redelivered duplicates; 0 = off");
  public static final ConfigKey<Double> THROTTLE = ConfigKey.of("sink.throttle", "0", Types.doubleRange(0, 1e9),
      "messages per second per instance, to make a deliberately slow sink; 0 = off");
  public static final ConfigKey<Long> MAX_BATCH_BYTES = ConfigKey.of("sink.max-batch-bytes", "4MiB", Types.SIZE,
      "while a write is outstanding, stop taking deliveries once this many bytes wait for the next one");
  public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.of("sink.retry-backoff", "1s", Types.durationRange("0s", "10m"),
      "after a failed write (its messages nacked), how long to take nothing");

  public static final ConfigKey<String> ON_FAILURE = ConfigKey.of("sink.on-failure", "retry", Types.oneOf("retry", "drop", "fallback"),
      "a message that finally fails to be written: retry (nacked, delivered again after sink.retry-backoff), drop (acked, counted)"
          + " or fallback (written to the fallback sink, sink.fallback.*; nacked if that fails too)");
  public static final ConfigKey<Integer> RETRY_ATTEMPTS = ConfigKey.of("sink.retry.attempts", "3", Types.intRange(1, 1000),
      "udsink: how often a message the user-defined sink answers FAILURE (or NACK) is sent, in all, before sink.on-failure decides");
  public static final ConfigKey<Duration> RETRY_INITIAL_BACKOFF = ConfigKey.of("sink.retry.initial-backoff", "100ms", Types.durationRange("1ms", "1m"),
      "udsink: delay before the first resend of the messages answered FAILURE (exponential, with jitter); at most sink.retry.max-backoff");
  public static final ConfigKey<Duration> RETRY_MAX_BACKOFF = ConfigKey.of("sink.retry.max-backoff", "5s", Types.durationRange("1ms", "10m"),
      "udsink: cap of the delay between resends of the messages answered FAILURE");
  public static final ConfigKey<String> KAFKA_BOOTSTRAP = WriterKeys.PRIMARY.kafkaBootstrap;
  public static final ConfigKey<String> KAFKA_TOPIC = WriterKeys.PRIMARY.kafkaTopic;
  public static final ConfigKey<Long> KAFKA_MAX_BYTES = WriterKeys.PRIMARY.kafkaMaxBytes;
  public static final ConfigKey<String> KAFKA_CLIENT = WriterKeys.PRIMARY.kafkaClient;

  /** Every sink key. */
  public static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> all = new ArrayList<>(List.of(TYPE, HTTP_PORT, UPSTREAM, RESOLVE_INTERVAL, INSTANCES, PATH, FSYNC, MAX_FILE_BYTES,
        KEEP_FILES, DEDUPE_WINDOW, THROTTLE, MAX_BATCH_BYTES, RETRY_BACKOFF, ON_FAILURE, RETRY_ATTEMPTS, RETRY_INITIAL_BACKOFF,
        RETRY_MAX_BACKOFF, KAFKA_BOOTSTRAP, KAFKA_TOPIC, KAFKA_MAX_BYTES, KAFKA_CLIENT));
    all.add(UPSTREAM_NAMED);
    all.add(UPSTREAM_GONE_AFTER);
    all.addAll(WriterKeys.PRIMARY.udsink.all());
    for (WriterKeys extra : List.of(WriterKeys.FALLBACK, WriterKeys.ON_SUCCESS)) {
      all.add(extra.type);
      all.addAll(extra.writerKeys());
    }
    return all;
  }
}
