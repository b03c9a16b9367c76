package io.flowmesh.bench.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The client settings of the loops: the same as Flowmesh's Kafka source ({@code KafkaPoller.properties})
 * and sink ({@code KafkaWriter.open}) at their defaults, so that the loops and the pipeline pay for the same
 * guarantees. Keep these in step with those two classes.
 */
final class KafkaSettings {

  /** The sink's default {@code sink.kafka.max-bytes-in-flight}. */
  static final long BUFFER_MEMORY = 32L << 20;

  private KafkaSettings() {
  }

  /** A consumer of {@code group}: from the earliest offset when the group has committed nothing, commits by hand. */
  static Map<String, String> consumer(String bootstrap, String group) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "500");
    return p;
  }

  /** An idempotent producer with {@code acks=all}, as the Kafka sink's. */
  static Map<String, String> producer(String bootstrap) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("buffer.memory", Long.toString(BUFFER_MEMORY));
    p.put("linger.ms", "1");
    return p;
  }

  /** As a {@code Map<String, Object>} for the {@code kafka-clients} constructors. */
  static Map<String, Object> objects(Map<String, String> settings) {
    return new HashMap<>(settings);
  }
}
