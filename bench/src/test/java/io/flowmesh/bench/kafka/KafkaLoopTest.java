package io.flowmesh.bench.kafka;

import static io.flowmesh.runtime.testing.OnLoop.await;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.runtime.testing.PortFinder;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's loops against a real broker: each copies every preloaded record (key, value, timestamp) to
 * its output topic and commits its group's offsets up to the end of the input, as the at-least-once loop
 * that scenario 8 measures must.
 */
class KafkaLoopTest {

  private static final int RECORDS = 3000;
  private static final long WAIT_MS = 120_000;

  @TempDir
  static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBrokerAndPreload() throws Exception {
    broker = KafkaBroker.onPorts(dir.resolve("kafka"), PortFinder.freePort(), PortFinder.freePort()).start();
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create("in", 4);
      t.create("out-plain", 4);
      t.create("out-vertx", 4);
    }
    KafkaPreload.main(new String[] {"--bootstrap", broker.bootstrapServers(), "--topic", "in", "--count",
        Integer.toString(RECORDS), "--size", "100"});
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.stop();
  }

  @Test
  void thePlainLoopCopiesEveryRecordAndCommitsTheEndOfEveryPartition() throws Exception {
    LoopStats stats = new LoopStats("kafka-clients");
    PlainKafkaLoop loop = new PlainKafkaLoop(broker.bootstrapServers(), "g-plain", "in", "out-plain", stats);
    Thread t = new Thread(loop::run, "plain-loop");
    t.start();
    try {
      awaitCopiedAndCommitted(stats, "g-plain");
    } finally {
      loop.stop();
      t.join(30_000);
    }
    assertEquals(records("in"), records("out-plain"));
  }

  @Test
  void theVertxLoopCopiesEveryRecordAndCommitsTheEndOfEveryPartition() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    LoopStats stats = new LoopStats("vertx");
    var consumer = VertxKafkaLoop.consumer(broker.bootstrapServers(), "g-vertx");
    var producer = VertxKafkaLoop.producer(broker.bootstrapServers());
    Promise<VertxKafkaLoop> created = Promise.promise();
    vertx.runOnContext(v -> {
      VertxKafkaLoop loop = new VertxKafkaLoop(vertx, consumer, producer, "in", "out-vertx", stats);
      loop.start();
      created.complete(loop);
    });
    VertxKafkaLoop loop = await(created.future(), 30_000);
    try {
      awaitCopiedAndCommitted(stats, "g-vertx");
    } finally {
      Promise<Void> stopped = Promise.promise();
      vertx.runOnContext(v -> loop.stop().onComplete(stopped));
      await(stopped.future().transform(ar -> vertx.close()), 30_000);
    }
    assertEquals(records("in"), records("out-vertx"));
  }

  private static void awaitCopiedAndCommitted(LoopStats stats, String group) throws Exception {
    until(() -> stats.messages.get() == RECORDS, WAIT_MS, () -> "records copied: " + stats.messages.get() + " of " + RECORDS);
    try (Topics t = new Topics(broker.bootstrapServers())) {
      Map<TopicPartition, Long> end = t.endOffsets("in");
      until(() -> {
        try {
          Map<TopicPartition, OffsetAndMetadata> committed = t.committed(group);
          return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
              && committed.get(e.getKey()).offset() == e.getValue());
        } catch (Exception e) {
          return false;
        }
      }, WAIT_MS, () -> "group " + group + " committed the end offsets " + end);
    }
    assertEquals(0, stats.commitFailures.get(), "commit failures");
  }

  /** Every record of {@code topic} as "key|value|timestamp", sorted. */
  private static List<String> records(String topic) throws Exception {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    List<String> out = new ArrayList<>();
    try (Topics t = new Topics(broker.bootstrapServers());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = List.copyOf(t.endOffsets(topic).keySet());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(new String(r.key(), StandardCharsets.UTF_8) + "|" + Arrays.hashCode(r.value()) + "|" + r.timestamp());
        }
      }
    }
    Collections.sort(out);
    assertEquals(RECORDS, out.size(), "records in " + topic);
    return out;
  }
}
