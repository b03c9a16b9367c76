package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code kafka} profile of docker-compose.yml run for real on a Docker engine from
 * {@code scripts/docker-test-env.sh} (skipped, with one line saying why, where none can be had):
 * the broker, the topic service and the Kafka pipeline through the {@code uppercase} UDF. Records
 * produced from the host to the input topic, and a few with the broker's console producer as the
 * README shows, come out of the output topic transformed, each once by its {@code flowmesh-id}.
 * The only difference from what a user runs is the broker image: where no registry can be reached
 * the script builds a stand-in for {@code apache/kafka} from Kafka's own jars and passes it as
 * {@code KAFKA_IMAGE} (scripts/docker-test-kafka/).
 */
class ComposeKafkaTest {

  private static final Duration BUILD_AND_UP = Duration.ofMinutes(20);
  // the broker and four JVMs starting at once; slow when the machine is shared
  private static final Duration HEALTHY = Duration.ofMinutes(6);
  private static final Duration THROUGH = Duration.ofMinutes(3);
  private static final List<String> RUNNING = List.of("kafka", "udf", "kafka-source", "kafka-map", "kafka-sink");
  private static final String IN = "flowmesh-in";
  private static final String OUT = "flowmesh-out";
  private static final String INTERNAL = "kafka:19092";
  private static final int COUNT = 5_000;
  private static final List<String> CONSOLE_VALUES = List.of("console-a", "console-b", "console-c");

  @RegisterExtension
  static final DockerEngine DOCKER = new DockerEngine();

  @Test
  void theKafkaProfileCarriesEveryRecordFromTheInputTopicThroughTheUdfToTheOutputTopic() {
    assertFalse(DOCKER.env().kafkaImage().isEmpty(), "scripts/docker-test-env.sh made no apache/kafka stand-in (see "
        + DOCKER.env().logDir().resolve("docker-test-env.log") + "): build kafka-broker first, mvn -B package -DskipTests");
    int[] ports = Ports.free(4);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_PUBLISH", String.valueOf(ports[0]));
    env.put("KAFKA_SOURCE_HTTP_PUBLISH", String.valueOf(ports[1]));
    env.put("KAFKA_MAP_HTTP_PUBLISH", String.valueOf(ports[2]));
    env.put("KAFKA_SINK_HTTP_PUBLISH", String.valueOf(ports[3]));
    env.put("FLOWMESH_EDGE_TOKEN", "compose-test-token-0123456789abcdef");
    String bootstrap = "localhost:" + ports[0];
    try (ComposeProject compose = new ComposeProject(DOCKER.env(), "flowmesh-systest-kafka", List.of("kafka"), env)) {
      long start = System.nanoTime();
      // kafka-source and what it depends on: the broker, the topics, kafka-map, kafka-sink, the UDF
      compose.run(BUILD_AND_UP, "up", "--build", "-d", "kafka-source");
      compose.awaitHealthy(HEALTHY, RUNNING, Map.of());
      System.out.printf("compose kafka: built and healthy in %.0f s%n", (System.nanoTime() - start) / 1e9);
      for (int port : List.of(ports[1], ports[2], ports[3])) {
        assertEquals(200, Http.status("http://127.0.0.1:" + port + "/readyz"), "/readyz on published port " + port);
      }

      // the topic service ran before kafka-source started (up waits for it to complete)
      try (Topics topics = new Topics(bootstrap)) {
        assertEquals(4, endOffsets(topics, IN).size(), IN + " partitions");
        assertEquals(4, endOffsets(topics, OUT).size(), OUT + " partitions");
      }

      produce(bootstrap);
      // as the README shows: the broker's console producer, inside its container
      compose.run(Duration.ofMinutes(2), "exec", "-T", "kafka", "bash", "-c", "printf '" + String.join("\\n", CONSOLE_VALUES)
          + "\\n' | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server " + INTERNAL + " --topic " + IN);

      Map<String, ConsumerRecord<String, String>> byId = readDistinct(bootstrap, COUNT + CONSOLE_VALUES.size(), compose);
      Set<String> consoleSeen = new TreeSet<>();
      for (ConsumerRecord<String, String> r : byId.values()) {
        if (r.key() == null || r.key().isEmpty()) {
          consoleSeen.add(r.value());
          continue;
        }
        int n = Integer.parseInt(r.key().substring(1));
        assertEquals("RECORD-" + n + "-ABCXYZ", r.value(), "value of key " + r.key() + ", upper-cased by the UDF");
        Header seq = r.headers().lastHeader("seq");
        assertNotNull(seq, "the input's header 'seq' is on the output record of key " + r.key());
        assertEquals(String.valueOf(n), new String(seq.value(), StandardCharsets.UTF_8), "header seq of key " + r.key());
      }
      assertEquals(new TreeSet<>(CONSOLE_VALUES.stream().map(v -> v.toUpperCase(java.util.Locale.ROOT)).toList()), consoleSeen,
          "the console producer's records, upper-cased");

      // every input record acked end to end: the source's group committed the end of each partition
      try (Topics topics = new Topics(bootstrap)) {
        Map<TopicPartition, Long> end = endOffsets(topics, IN);
        Map<TopicPartition, Long> committed = new HashMap<>();
        Await.until("the source's group 'flowmesh' to commit the end of every partition of " + IN, THROUGH, () -> {
          committed.clear();
          try {
            topics.committed("flowmesh").forEach((tp, o) -> committed.put(tp, o.offset()));
          } catch (Exception e) {
            throw new AssertionError("reading the committed offsets of group 'flowmesh': " + e, e);
          }
          return end.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
        }, () -> "end " + end + ", committed " + committed + "\n" + compose.logs());
      }

      // as the README shows: the console consumer prints the flowmesh-id header of each record
      String printed = compose.run(Duration.ofMinutes(2), "exec", "-T", "kafka", "/opt/kafka/bin/kafka-console-consumer.sh",
          "--bootstrap-server", INTERNAL, "--topic", OUT, "--from-beginning", "--max-messages", "3",
          "--property", "print.headers=true");
      List<String> lines = printed.lines().filter(l -> l.contains("flowmesh-id:")).toList();
      assertEquals(3, lines.size(), "console consumer output:\n" + printed);
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Topics topics, String topic) {
    try {
      return topics.endOffsets(topic);
    } catch (Exception e) {
      throw new AssertionError("the end offsets of " + topic + ": " + e, e);
    }
  }

  /** COUNT records with key k&lt;n&gt;, a lower-case value and a header, sent from the host and acknowledged. */
  private static void produce(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>(COUNT);
      for (int i = 0; i < COUNT; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(IN, "k" + i, "record-" + i + "-abcxyz");
        r.headers().add("seq", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(r));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(1, java.util.concurrent.TimeUnit.MINUTES);
      }
    } catch (Exception e) {
      throw new AssertionError("producing " + COUNT + " records to " + IN + " at " + bootstrap + ": " + e, e);
    }
  }

  /**
   * Reads the output topic from the beginning until {@code expected} distinct {@code flowmesh-id}
   * headers were seen (a redelivery may write a record twice: the id tells), then checks no more.
   */
  private static Map<String, ConsumerRecord<String, String>> readDistinct(String bootstrap, int expected, ComposeProject compose) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, ConsumerRecord<String, String>> byId = new HashMap<>();
    int[] records = {0};
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(OUT, Duration.ofMinutes(1))) {
        partitions.add(new TopicPartition(OUT, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Await.until(expected + " distinct records in " + OUT, THROUGH, () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          records[0]++;
          Header id = r.headers().lastHeader("flowmesh-id");
          assertNotNull(id, "a record in " + OUT + " without a flowmesh-id header: " + r);
          byId.put(new String(id.value(), StandardCharsets.UTF_8), r);
        }
        return byId.size() >= expected;
      }, () -> byId.size() + " distinct of " + records[0] + " read\n" + compose.logs());
      // whatever the pipeline still had to write is written by now: nothing beyond the expected
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          byId.put(new String(r.headers().lastHeader("flowmesh-id").value(), StandardCharsets.UTF_8), r);
        }
      }
    }
    assertEquals(expected, byId.size(), "distinct flowmesh-id in " + OUT + " (" + records[0] + " records read)");
    System.out.printf("compose kafka: %d records in %s, %d distinct ids%n", records[0], OUT, byId.size());
    return byId;
  }
}
