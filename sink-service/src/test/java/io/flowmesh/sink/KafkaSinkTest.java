package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.sink.writer.KafkaWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka sink in-JVM behind a generator source, writing to a real broker. */
class KafkaSinkTest {

  @TempDir
  static Path dir;
  private static KafkaBroker broker;
  private final Pipeline pipeline = new Pipeline();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.onFreePorts(dir.resolve("kafka")).start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.stop();
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  /** Every record of {@code topic}, by the message id in its header. */
  private static Map<String, ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) throws Exception {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
    try (Topics t = new Topics(broker.bootstrapServers());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = List.copyOf(t.endOffsets(topic).keySet());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (byId.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          byId.put(new String(r.headers().lastHeader(KafkaWriter.ID_HEADER).value(), StandardCharsets.UTF_8), r);
        }
      }
    }
    return byId;
  }

  @Test
  void everyMessageBecomesARecordWithItsKeyTimestampAndIdAndIsAckedOnlyOnceTheBrokerHasIt() throws Exception {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create("out", 4);
    }
    Launched source = pipeline.source("--source.count=20000", "--source.msg-size=100", "--source.key-count=5",
        "--source.id-prefix=k");
    pipeline.sink(Pipeline.edgePort(source), "--sink.type=kafka", "--sink.kafka.bootstrap-servers=" + broker.bootstrapServers(),
        "--sink.kafka.topic=out");
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000, () -> "every message acked: " + Pipeline.status(source));
    Map<String, ConsumerRecord<byte[], byte[]>> records = readAll("out", 20_000);
    assertEquals(20_000, records.size(), "one record per message id");
    ConsumerRecord<byte[], byte[]> r = records.get("k-7");
    assertEquals("k2", new String(r.key(), StandardCharsets.UTF_8));
    assertEquals(100, r.value().length);
    assertTrue(r.timestamp() > 0);
  }

  @Test
  void aRecordTooLargeForTheTopicIsDroppedAndCountedWithOnFailureDrop() throws Exception {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create("small", 1, Map.of("max.message.bytes", "2000"));
    }
    Launched source = pipeline.source("--source.count=50", "--source.msg-size=5000");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=kafka",
        "--sink.kafka.bootstrap-servers=" + broker.bootstrapServers(), "--sink.kafka.topic=small", "--sink.on-failure=drop");
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000, () -> "every message acked: " + Pipeline.status(source));
    assertEquals(50.0, sink.registry().get("flowmesh.sink.dropped").counter().count());
    assertTrue(sink.registry().get("flowmesh.sink.write.errors").counter().count() > 0);
  }
}
