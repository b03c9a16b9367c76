package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.sink.writer.KafkaWriter;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
    broker = KafkaBroker.onPorts(dir.resolve("kafka"), PortFinder.freePort(), PortFinder.freePort()).start();
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
  void aClientPropertyReachesTheProducerAndASecretOneIsMaskedInStatus() throws Exception {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create("props", 1);
    }
    Launched source = pipeline.source("--source.count=100");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=kafka",
        "--sink.kafka.bootstrap-servers=" + broker.bootstrapServers(), "--sink.kafka.topic=props",
        "--sink.kafka.client.client.id=flowmesh-sink-test", "--sink.kafka.client.ssl.key.password=hunter2");
    until(() -> Pipeline.status(source).getBoolean("complete"), 60_000, () -> "every message acked: " + Pipeline.status(source));
    // The producer registers its metrics under its client.id: the one named in the flag sent the 100 records.
    until(() -> recordsSentBy("flowmesh-sink-test") == 100.0, 30_000,
        () -> "100 records sent by the producer with client.id flowmesh-sink-test, got " + recordsSentBy("flowmesh-sink-test"));
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject config = new JsonObject(r.body()).getJsonObject("config");
    assertEquals("flowmesh-sink-test", config.getString("sink.kafka.client.client.id"), r.body());
    assertEquals("***", config.getString("sink.kafka.client.ssl.key.password"), r.body());
    assertFalse(r.body().contains("hunter2"), r.body());
  }

  /** What the producer with {@code clientId} in this JVM sent (its JMX metric), or -1 when there is none. */
  private static double recordsSentBy(String clientId) {
    try {
      ObjectName metrics = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
      MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
      return jmx.isRegistered(metrics) ? ((Number) jmx.getAttribute(metrics, "record-send-total")).doubleValue() : -1;
    } catch (Exception e) {
      throw new IllegalStateException("reading the producer's metrics: " + e, e);
    }
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
