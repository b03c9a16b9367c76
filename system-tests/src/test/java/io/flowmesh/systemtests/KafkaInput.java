package io.flowmesh.systemtests;

import io.flowmesh.kafka.broker.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the input of a Kafka test into a new topic of {@code partitions} partitions: record
 * {@code i} (counted over every {@link #append}) to partition {@code i % partitions} with value
 * {@code record-<i>}. The topic is new and the producer idempotent (its default), so record
 * {@code i} lands at offset {@code i / partitions}: every (partition, offset) names the value it
 * must carry.
 */
final class KafkaInput {

  private final String bootstrap;
  private final String topic;
  private final int partitions;
  private volatile int count;

  private KafkaInput(String bootstrap, String topic, int partitions) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.partitions = partitions;
  }

  /** Creates the topic, empty. */
  static KafkaInput create(String bootstrap, String topic, int partitions) throws Exception {
    try (Topics admin = new Topics(bootstrap)) {
      admin.create(topic, partitions);
    }
    return new KafkaInput(bootstrap, topic, partitions);
  }

  /** Writes the next {@code more} records; returns when the broker acknowledged all of them. */
  KafkaInput append(int more) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = count; i < count + more; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, null, value(i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    count += more;
    return this;
  }

  private static String value(int i) {
    return "record-" + i;
  }

  String topic() {
    return topic;
  }

  int partitions() {
    return partitions;
  }

  /** Records written so far. */
  int count() {
    return count;
  }

  /** How many records partition {@code partition} holds. */
  long size(int partition) {
    return count / partitions + (partition < count % partitions ? 1 : 0);
  }

  /** The value written at {@code offset} of {@code partition}. */
  String valueAt(int partition, long offset) {
    return value((int) (offset * partitions + partition));
  }
}
