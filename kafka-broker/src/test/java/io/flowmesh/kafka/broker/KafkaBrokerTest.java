package io.flowmesh.kafka.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.runtime.testing.PortFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

  @Test
  void aClusterIdNeverStartsWithADashThatTheStorageToolWouldReadAsAnOption() {
    // 1 in 64 random ids starts with '-'; 5,000 draws would hit one with probability 1 - 1e-34.
    for (int i = 0; i < 5_000; i++) {
      String id = KafkaBroker.clusterId();
      assertEquals(22, id.length(), id);
      assertFalse(id.startsWith("-"), id);
    }
  }

  @Test
  void oneAndTheSamePortForTheListenerAndTheControllerIsRefusedNamingIt(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaBroker.onPorts(dir, 40_000, 40_000));
    assertEquals("the listener and the controller need two ports, both given 40000", e.getMessage());
  }

  @Test
  void aRealBrokerKeepsItsRecordsAcrossARestartOnTheSamePort(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.onPorts(dir, PortFinder.freePort(), PortFinder.freePort()).start()) {
      try (Topics topics = new Topics(broker.bootstrapServers())) {
        topics.create("t", 2);
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 1000; i++) {
          producer.send(new ProducerRecord<>("t", i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      broker.stop();
      assertFalse(broker.isRunning());
      broker.start();
      try (Topics topics = new Topics(broker.bootstrapServers())) {
        assertEquals(Map.of(new TopicPartition("t", 0), 500L, new TopicPartition("t", 1), 500L), topics.endOffsets("t"));
      }
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      int read = 0;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.assign(List.of(new TopicPartition("t", 0), new TopicPartition("t", 1)));
        consumer.seekToBeginning(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (read < 1000 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            read++;
          }
        }
      }
      assertEquals(1000, read);
    }
  }
}
