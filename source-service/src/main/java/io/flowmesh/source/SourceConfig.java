package io.flowmesh.source;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Secrets;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.source.generator.GeneratorConfig;
import io.flowmesh.source.http.IngestConfig;
import io.flowmesh.source.http.ServingConfig;
import java.nio.charset.StandardCharsets;
import io.flowmesh.source.kafka.KafkaSourceConfig;
import io.flowmesh.source.udsource.UdSourceConfig;
import io.flowmesh.source.transformer.TransformerConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The source-service's configuration, validated.
 *
 * @param type {@code generator} or {@code http}
 * @param httpPort port of the HTTP endpoints
 * @param edgePort port of the edge (0 = any free port)
 * @param queueCapacity the edge server's queue, in messages
 * @param idPrefix prefix of message ids, or null for a random one per start
 * @param idleTimeout input-free time after which the watermark follows the wall clock
 * @param watermarkInterval how often the watermark is recomputed
 * @param generator the generator's settings (used when {@code type=generator})
 * @param ingest the HTTP ingest's settings (used when {@code type=http})
 * @param allowedSubscribers the vertex names that may subscribe to the edge
 * @param kafka the Kafka source's settings (used when {@code type=kafka})
 * @param udsource the user-defined source's settings (used when {@code type=udsource})
 * @param transformer the source transformer's settings ({@code source.transformer.*}, any type)
 * @param routes the outbound edges ({@code source.edge.to}) and their tag conditions
 */
public record SourceConfig(String type, int httpPort, int edgePort, int queueCapacity, String idPrefix, Duration idleTimeout,
    Duration watermarkInterval, GeneratorConfig generator, IngestConfig ingest, Set<String> allowedSubscribers,
    KafkaSourceConfig kafka, UdSourceConfig udsource, TransformerConfig transformer, io.flowmesh.runtime.edge.EdgeRoutes routes) {

  public boolean isHttp() {
    return type.equals("http");
  }

  public boolean isKafka() {
    return type.equals("kafka");
  }

  public boolean isUdsource() {
    return type.equals("udsource");
  }

  /** Reads and checks every {@code source.*} key; problems are recorded in {@code s}. */
  public static SourceConfig from(Settings s) {
    long maxMessage = s.get(CommonKeys.EDGE_MAX_MESSAGE);
    String prefix = s.get(SourceKeys.ID_PREFIX);
    if (prefix != null && (prefix.isBlank() || prefix.length() > 64)) {
      s.problem(SourceKeys.ID_PREFIX, "allowed is 1 to 64 characters (or leave it unset for a random prefix)");
    }
    Duration interval = s.get(SourceKeys.WATERMARK_INTERVAL);
    Duration idle = s.get(SourceKeys.IDLE_TIMEOUT);
    String value = s.get(SourceKeys.VALUE);
    int msgSize = s.get(SourceKeys.MSG_SIZE);
    if (value != null && s.source(SourceKeys.MSG_SIZE) != Settings.Source.DEFAULT) {
      s.problem(SourceKeys.MSG_SIZE, "cannot be set together with source.value (the fixed value decides the size)");
    }
    long size = value != null ? value.getBytes(StandardCharsets.UTF_8).length : msgSize;
    if (size > maxMessage) {
      s.problem(value != null ? SourceKeys.VALUE : SourceKeys.MSG_SIZE,
          "a value of " + size + " bytes is over edge.max-message-bytes=" + maxMessage);
    }
    Duration duration = s.get(SourceKeys.DURATION);
    GeneratorConfig generator = new GeneratorConfig(s.get(SourceKeys.RATE), msgSize, s.get(SourceKeys.KEY_COUNT),
        "random".equals(s.get(SourceKeys.KEY_ORDER)), s.get(SourceKeys.COUNT), duration, value, s.get(SourceKeys.JITTER));
    long maxBody = s.get(SourceKeys.MAX_BODY);
    if (maxBody < 1) {
      s.problem(SourceKeys.MAX_BODY, "must be at least 1 byte");
    }
    String token = s.get(SourceKeys.TOKEN);
    if (token != null && token.isBlank()) {
      s.problem(SourceKeys.TOKEN, "must not be blank (leave it unset to turn authentication off)");
    }
    long held = s.get(SourceKeys.MAX_HELD_BYTES);
    if (held < 1) {
      s.problem(SourceKeys.MAX_HELD_BYTES, "must be at least 1 byte");
    }
    IngestConfig ingest = new IngestConfig(maxBody, token, held, s.get(SourceKeys.MAX_DELAY), s.get(SourceKeys.RETRY_AFTER),
        s.get(SourceKeys.STALL_TIMEOUT), s.get(SourceKeys.REQUEST_TIMEOUT),
        serving(s));
    io.flowmesh.runtime.edge.EdgeRoutes routes = io.flowmesh.runtime.edge.EdgeRoutes.read(s, SourceKeys.EDGE_TO, SourceKeys.EDGE_CONDITION);
    return new SourceConfig(s.get(SourceKeys.TYPE), s.get(SourceKeys.HTTP_PORT), s.get(SourceKeys.EDGE_PORT),
        s.get(SourceKeys.QUEUE_CAPACITY), prefix, idle, interval, generator, ingest,
        io.flowmesh.runtime.edge.EdgeRoutes.allowedSubscribers(s, SourceKeys.ALLOWED_SUBSCRIBERS, routes),
        kafka(s), udsource(s), TransformerConfig.from(s), routes);
  }

  /**
   * The {@code source.serving.*} keys. A waiting request's connection sends nothing, so both the
   * default and the longest timeout must be below {@code http.idle-timeout}, or the connection would be
   * cut before the 504.
   */
  private static ServingConfig serving(Settings s) {
    Duration timeout = s.get(SourceKeys.SERVING_TIMEOUT);
    Duration max = s.get(SourceKeys.SERVING_MAX_TIMEOUT);
    Duration idle = s.get(CommonKeys.HTTP_IDLE_TIMEOUT);
    // Left at their defaults, the two follow a lowered http.idle-timeout (to 4/5 of it) instead of
    // stopping a source that does not serve at all; set by the user, they are checked below. What
    // they become is what /status shows, with why.
    // Only an http source serves: another type keeps the keys as they are, without notes.
    boolean http = "http".equals(s.get(SourceKeys.TYPE));
    Duration fit = idle.multipliedBy(4).dividedBy(5);
    if (http && isDefault(s, SourceKeys.SERVING_MAX_TIMEOUT) && max.compareTo(idle) >= 0) {
      s.derived(SourceKeys.SERVING_MAX_TIMEOUT, text(fit), "lowered to 4/5 of " + CommonKeys.HTTP_IDLE_TIMEOUT.name() + "="
          + text(idle) + ": the default " + SourceKeys.SERVING_MAX_TIMEOUT.defaultValue() + " is not below it");
      max = fit;
    }
    boolean capped = http && isDefault(s, SourceKeys.SERVING_TIMEOUT) && timeout.compareTo(max) > 0;
    if (capped) {
      s.derived(SourceKeys.SERVING_TIMEOUT, text(max), "capped at " + SourceKeys.SERVING_MAX_TIMEOUT.name() + "=" + text(max)
          + ": the default " + SourceKeys.SERVING_TIMEOUT.defaultValue() + " is above it");
      timeout = max;
    }
    if (http) {
      if (max.compareTo(idle) >= 0) {
        s.problem(SourceKeys.SERVING_MAX_TIMEOUT, "must be below " + CommonKeys.HTTP_IDLE_TIMEOUT.name() + "=" + idle.toMillis() + "ms"
            + ": a request waiting that long would have its connection closed as idle instead of getting its 504");
      }
      if (!capped) { // a capped default is the maximum: its problem, if any, is said above
        if (timeout.compareTo(idle) >= 0) {
          s.problem(SourceKeys.SERVING_TIMEOUT, "must be below " + CommonKeys.HTTP_IDLE_TIMEOUT.name() + "=" + idle.toMillis() + "ms"
              + ": a request waiting that long would have its connection closed as idle instead of getting its 504");
        } else if (timeout.compareTo(max) > 0) {
          s.problem(SourceKeys.SERVING_TIMEOUT, "must be at most " + SourceKeys.SERVING_MAX_TIMEOUT.name() + "=" + max.toMillis() + "ms");
        }
      }
    }
    long resultBytes = s.get(SourceKeys.SERVING_MAX_RESULT_BYTES);
    if (resultBytes < 1) {
      s.problem(SourceKeys.SERVING_MAX_RESULT_BYTES, "must be at least 1 byte (it bounds the bytes of stored async answers)");
    }
    return new ServingConfig(timeout, max, s.get(SourceKeys.SERVING_MAX_PENDING),
        s.get(SourceKeys.SERVING_RETENTION), s.get(SourceKeys.SERVING_MAX_RESULTS), resultBytes, idle,
        s.get(SourceKeys.SERVING_MAX_LISTENERS));
  }

  private static UdSourceConfig udsource(Settings s) {
    return new UdSourceConfig(SourceKeys.UDSOURCE.read(s), s.get(SourceKeys.UDSOURCE_MAX_BATCH),
        s.get(SourceKeys.UDSOURCE_READ_TIMEOUT),
        s.get(SourceKeys.UDSOURCE_POLL_INTERVAL), s.get(SourceKeys.MAX_DELAY));
  }

  private static KafkaSourceConfig kafka(Settings s) {
    boolean on = "kafka".equals(s.get(SourceKeys.TYPE));
    String bootstrap = s.get(SourceKeys.KAFKA_BOOTSTRAP);
    String topicList = s.get(SourceKeys.KAFKA_TOPICS);
    List<String> topics = topicList == null ? List.of()
        : Arrays.stream(topicList.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    if (on && (bootstrap == null || bootstrap.isBlank())) {
      s.problem(SourceKeys.KAFKA_BOOTSTRAP, "is required with source.type=kafka (e.g. 127.0.0.1:9092)");
    }
    if (on && topics.isEmpty()) {
      s.problem(SourceKeys.KAFKA_TOPICS, "is required with source.type=kafka: one or more topic names, comma-separated");
    }
    String group = s.get(SourceKeys.KAFKA_GROUP);
    if (group.isBlank()) {
      s.problem(SourceKeys.KAFKA_GROUP, "must not be blank");
    }
    return new KafkaSourceConfig(bootstrap, topics, group, s.get(SourceKeys.KAFKA_START), s.get(SourceKeys.KAFKA_MAX_UNACKED),
        s.get(SourceKeys.KAFKA_COMMIT_INTERVAL), s.get(SourceKeys.KAFKA_REVOKE_TIMEOUT),
        s.get(SourceKeys.KAFKA_MAX_METADATA), s.get(SourceKeys.MAX_DELAY), clientProperties(s));
  }

  /**
   * The consumer's extra properties: {@code session.timeout.ms} and a heartbeat every third of it
   * (at most Kafka's default 3 s), then {@code source.kafka.client.*}, which wins where both set one.
   */
  private static Map<String, String> clientProperties(Settings s) {
    long session = s.get(SourceKeys.KAFKA_SESSION_TIMEOUT).toMillis();
    long heartbeat = Math.max(1, Math.min(3000, session / 3));
    Map<String, String> all = new TreeMap<>();
    all.put("session.timeout.ms", Long.toString(session));
    all.put("heartbeat.interval.ms", Long.toString(heartbeat));
    all.putAll(s.prefixed(SourceKeys.KAFKA_CLIENT));
    return Secrets.maskedWhenPrinted(all);
  }

  /** A duration as a key's value reads it: {@code 8s}, {@code 19200ms}, {@code 800us}. */
  static String text(Duration d) {
    long us = d.toNanos() / 1000;
    return us % 1_000_000 == 0 ? us / 1_000_000 + "s" : us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
  }

  private static boolean isDefault(Settings s, ConfigKey<?> key) {
    Settings.Source from = s.source(key);
    return from == null || from == Settings.Source.DEFAULT;
  }
}
