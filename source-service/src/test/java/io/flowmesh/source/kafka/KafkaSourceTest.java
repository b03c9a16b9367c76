package io.flowmesh.source.kafka;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka source in-JVM against a real broker, read by a bare edge subscriber that acks out of order.
 * The broker-outage test restarts the shared broker, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSourceTest {

  @TempDir
  static Path dir;
  private static KafkaBroker broker;
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final List<Launched> sources = new ArrayList<>();

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
    for (Launched s : sources) {
      OnLoop.await(s.stop(Duration.ofMillis(200)), 30_000);
    }
    OnLoop.await(vertx.close(), 20_000);
  }

  private Launched launch(String topic, String group, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1",
        "--source.type=kafka", "--source.kafka.bootstrap-servers=" + broker.bootstrapServers(), "--source.kafka.topics=" + topic,
        "--source.kafka.group-id=" + group, "--source.kafka.commit-interval=100ms"));
    all.addAll(List.of(args));
    Launched source = new SourceMain().launch(all.toArray(String[]::new), Map.of());
    sources.add(source);
    return source;
  }

  private EdgeSubscriber subscribe(Launched source, java.util.function.BiConsumer<EdgeSubscriber, Delivery> handler) {
    int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
    return OnLoop.call(ctx, () -> {
      EdgeSubscriber s = new EdgeSubscriber(vertx, "map", "t", new HostPort("127.0.0.1", port), EdgeOptions.defaults(),
          new SimpleMeterRegistry());
      s.handler(d -> handler.accept(s, d)).start();
      return s;
    });
  }

  /** Record timestamps: recent, or the broker's time-based retention would delete the records. */
  private static final long BASE_TIME = System.currentTimeMillis() - 60_000;

  private static void produce(String topic, int partitions, int count) throws Exception {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create(topic, partitions);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, i % partitions, BASE_TIME + i,
            ("k" + i % 7).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
        r.headers().add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        producer.send(r);
      }
      producer.flush();
    }
  }

  private static boolean committedToTheEnd(String topic, String group) {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      Map<TopicPartition, Long> end = t.endOffsets(topic);
      Map<TopicPartition, OffsetAndMetadata> committed = t.committed(group);
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null || c.offset() != e.getValue()) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int committedPartitions(String group) {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      return t.committed(group).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject status(Launched source) {
    return OnLoop.await(source.vertex().status(), 5000);
  }

  @Test
  @Order(1)
  void everyRecordBecomesOneMessageAndTheGroupCommitsTheEndOfEveryPartitionThoughAcksComeOutOfOrder() throws Exception {
    produce("all", 4, 20_000);
    Launched source = launch("all", "g-all");
    Map<String, EdgeMessage> seen = new ConcurrentHashMap<>();
    List<Delivery> held = new ArrayList<>();
    Random random = new Random(1);
    EdgeSubscriber sub = subscribe(source, (s, d) -> {
      seen.put(d.message().getId(), d.message());
      held.add(d);
      if (held.size() >= 700) { // ack in a shuffled order, 500 of a window of 700 at a time
        Collections.shuffle(held, random);
        held.subList(0, 500).forEach(s::ack);
        held.subList(0, 500).clear();
      }
    });
    until(() -> seen.size() == 20_000, 120_000, () -> "20,000 distinct messages, got " + seen.size() + ": " + status(source));
    until(() -> committedPartitions("g-all") == 4, 10_000, () -> "a commit for every partition");
    Map<TopicPartition, Long> lowestHeld = new java.util.HashMap<>();
    OnLoop.run(ctx, () -> held.forEach(d -> {
      String[] parts = d.message().getId().split("/");
      lowestHeld.merge(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]), Math::min);
    }));
    try (Topics t = new Topics(broker.bootstrapServers())) {
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : t.committed("g-all").entrySet()) {
        Long low = lowestHeld.get(e.getKey());
        assertTrue(low == null || e.getValue().offset() <= low,
            e.getKey() + " committed " + e.getValue().offset() + " past its unacked offset " + low);
      }
    }
    OnLoop.run(ctx, () -> {
      held.forEach(sub::ack);
      held.clear();
    });
    until(() -> committedToTheEnd("all", "g-all"), 30_000, () -> "committed offsets at the end of every partition");
    until(() -> status(source).getLong("acked") == 20_000, 10_000, () -> "20,000 acked: " + status(source));
    EdgeMessage m = seen.get("all/1/0");
    assertEquals("value-1", m.getValue().toStringUtf8());
    assertEquals(List.of("k1"), m.getKeysList());
    assertEquals("1", MessageHeaders.toMap(m).get("n"));
    assertEquals(BASE_TIME + 1, m.getEventTime());
  }

  @Test
  @Order(2)
  void aClientPropertyReachesTheConsumerAndASecretOneIsMaskedInStatus() throws Exception {
    try (Topics t = new Topics(broker.bootstrapServers())) {
      t.create("client-props", 1);
    }
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";";
    Launched source = launch("client-props", "g-client", "--source.kafka.client.client.id=flowmesh-client-test",
        "--source.kafka.client.sasl.jaas.config=" + jaas);
    until(() -> memberClientIds("g-client").contains("flowmesh-client-test"), 60_000,
        () -> "the broker sees group g-client's member with client.id flowmesh-client-test: " + memberClientIds("g-client"));
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject config = new JsonObject(r.body()).getJsonObject("config");
    assertEquals("flowmesh-client-test", config.getString("source.kafka.client.client.id"), r.body());
    assertEquals("***", config.getString("source.kafka.client.sasl.jaas.config"), r.body());
    assertFalse(r.body().contains("hunter2"), r.body());
  }

  /** The client ids of the group's members, as the broker describes them. */
  private static List<String> memberClientIds(String group) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      return d.members().stream().map(MemberDescription::clientId).toList();
    } catch (Exception e) {
      throw new IllegalStateException("describing group " + group + ": " + e, e);
    }
  }

  @Test
  @Order(2)
  void aRestartedSourceSkipsWhatWasAckedAboveTheCommitAndReadsOnlyTheUnackedAgain() throws Exception {
    produce("restart", 2, 4_000);
    // a revoke timeout far longer than a close may take: the final revoke must not wait for acks that cannot come
    Launched first = launch("restart", "g-restart", "--source.kafka.revoke-timeout=60s");
    Set<String> unacked = ConcurrentHashMap.newKeySet();
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    subscribe(first, (s, d) -> {
      String id = d.message().getId();
      seen.put(id, true);
      long offset = Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
      if (offset % 10 == 3) {
        unacked.add(id); // never acked by this subscriber: the source must read these again, and only these
      } else {
        s.ack(d);
      }
    });
    until(() -> seen.size() == 4_000, 60_000, () -> "4,000 messages, got " + seen.size());
    until(() -> status(first).getLong("acked") == 4_000 - unacked.size(), 10_000, () -> "acks back: " + status(first));
    long stopping = System.nanoTime();
    OnLoop.await(first.stop(Duration.ofMillis(300)), 30_000); // the drain times out on the unacked; the commit says what was done
    long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
    sources.remove(first);
    assertTrue(stopMillis < 30_000, "the stop took " + stopMillis + " ms: the final revoke waited for the unacked records"
        + " (source.kafka.revoke-timeout 60s) though the drain had already given up on them");
    try (Topics t = new Topics(broker.bootstrapServers())) {
      Map<TopicPartition, OffsetAndMetadata> c = t.committed("g-restart");
      assertEquals(3, c.get(new TopicPartition("restart", 0)).offset(), "the lowest unacked offset of partition 0");
      assertTrue(c.get(new TopicPartition("restart", 0)).metadata().startsWith("fm1:"), c.toString());
    }

    Launched second = launch("restart", "g-restart");
    Set<String> again = ConcurrentHashMap.newKeySet();
    subscribe(second, (s, d) -> {
      again.add(d.message().getId());
      s.ack(d);
    });
    until(() -> committedToTheEnd("restart", "g-restart"), 60_000, () -> "the second run commits to the end; read " + again.size());
    assertEquals(unacked, again, "exactly the unacked records are read again");
    JsonObject st = status(second);
    long skipped = st.getJsonArray("partitions").stream().mapToLong(o -> ((JsonObject) o).getLong("skipped")).sum();
    assertEquals(4_000 - 2 * 3 - unacked.size(), skipped, "every acked record above the commit points skipped: " + st);
  }

  @Test
  @Order(3)
  void whileTheBrokerIsDownTheSourceIsNotReadyNamingItAndItResumesAfter() throws Exception {
    produce("outage", 1, 100);
    Launched source = launch("outage", "g-outage");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    subscribe(source, (s, d) -> {
      seen.add(d.message().getId());
      s.ack(d);
    });
    until(() -> seen.size() == 100, 60_000, () -> "100 messages");
    until(() -> readiness(source).ready(), 10_000, () -> "ready: " + readiness(source));
    broker.stop();
    try {
      until(() -> !readiness(source).ready(), 30_000, () -> "not ready while the broker is down");
      assertTrue(readiness(source).reason().contains("unreachable"), readiness(source).reason());
    } finally {
      broker.start();
    }
    produce("outage", 1, 100);
    until(() -> readiness(source).ready(), 60_000, () -> "ready again: " + readiness(source));
    until(() -> seen.size() == 200, 60_000, () -> "the records written after the outage: " + seen.size());
  }

  private static Readiness readiness(Launched source) {
    return OnLoop.await(source.vertex().readiness(), 5000);
  }
}
