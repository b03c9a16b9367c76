package io.flowmesh.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.runtime.testing.PortFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer thread against a real broker: pause and resume belong to one assignment of a
 * partition. A partition paused, revoked and assigned here again must be read again — before this
 * rule, a pause sent for the earlier assignment (or left in the consumer by it) stopped the new
 * one for good while the source believed it was running: a run stalled short of the end.
 */
class KafkaPollerTest {

  @TempDir
  static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.onPorts(dir.resolve("kafka"), PortFinder.freePort(), PortFinder.freePort()).start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.stop();
  }

  @Test
  void aPartitionAssignedAgainIsReadAgainWhateverTheEarlierAssignmentPaused() throws Exception {
    String topic = "epochs";
    TopicPartition tp = new TopicPartition(topic, 0);
    Recorder events = new Recorder();
    KafkaPoller poller = startPoller(topic, "g-epochs", events);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      send(producer, topic, 0, 10);
      await(() -> events.highest.get() >= 9, "the first 10 records read", events);
      int first = events.epoch.get();
      poller.pause(tp, first);

      rebalance(topic, "g-epochs", events);

      poller.pause(tp, first); // late, from the earlier assignment: must not stop the new one
      send(producer, topic, 10, 10);
      await(() -> events.highest.get() >= 19, "the records written after the reassignment read", events);
    } finally {
      poller.stop(Map.of(), Map.of()).get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The CI failure this rule fixed: a commit the event loop computed before a rebalance reached the
   * broker after it, so the group's offset went back to a stale one; the partition, assigned here
   * again and already done, never committed anything newer and the run never ended.
   */
  @Test
  void aCommitComputedForAnEarlierAssignmentIsNotSentAfterTheRebalance() throws Exception {
    String topic = "stale-commits";
    TopicPartition tp = new TopicPartition(topic, 0);
    Recorder events = new Recorder();
    KafkaPoller poller = startPoller(topic, "g-stale", events);
    try {
      await(events.assignedNow::get, "the partition assigned", events); // no records needed: the broker takes any offset
      int first = events.epoch.get();
      rebalance(topic, "g-stale", events);
      int second = events.epoch.get();

      poller.commit(Map.of(tp, new OffsetAndMetadata(8)), Map.of(tp, second));
      assertEquals(8, committed(poller, tp), "a commit for the current assignment is committed");
      poller.commit(Map.of(tp, new OffsetAndMetadata(3)), Map.of(tp, first)); // computed before the rebalance
      assertEquals(8, committed(poller, tp), "the stale commit was left out");
      poller.commit(Map.of(tp, new OffsetAndMetadata(9)), Map.of(tp, second));
      assertEquals(9, committed(poller, tp), "commits for the current assignment go on");
    } finally {
      poller.stop(Map.of(), Map.of()).get(30, TimeUnit.SECONDS);
    }
  }

  /** A poller of a new one-partition {@code topic} in {@code group}, its events (run on its own thread) recorded. */
  private static KafkaPoller startPoller(String topic, String group, Recorder events) throws Exception {
    try (Topics topics = new Topics(broker.bootstrapServers())) {
      topics.create(topic, 1);
    }
    KafkaSourceConfig config = new KafkaSourceConfig(broker.bootstrapServers(), List.of(topic), group, "earliest",
        1000, Duration.ofMillis(100), Duration.ofSeconds(1), 4000, Duration.ZERO, Map.of());
    KafkaPoller poller = new KafkaPoller(config, Runnable::run, events);
    poller.start();
    return poller;
  }

  /**
   * A second member joins and leaves: the one partition is revoked and assigned to the poller again.
   * While the second member is in the group the partition may go to either (the assignor orders
   * members by id); the join is over once the poller's revoke has run and one of the two holds it.
   */
  private static void rebalance(String topic, String group, Recorder events) throws InterruptedException {
    int revoked = events.counts.getOrDefault("revoked", 0);
    int beforeLeave;
    try (KafkaConsumer<byte[], byte[]> other = consumer(group)) {
      other.subscribe(List.of(topic));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(events.counts.getOrDefault("revoked", 0) > revoked && (events.assignedNow.get() || !other.assignment().isEmpty()))
          && System.nanoTime() < until) {
        other.poll(Duration.ofMillis(100));
      }
      assertTrue(events.counts.getOrDefault("revoked", 0) > revoked,
          "no rebalance within 60 s after a second member joined: " + events);
      beforeLeave = events.epoch.get();
    }
    await(() -> events.epoch.get() > beforeLeave && events.assignedNow.get(),
        "the partition assigned to the poller again after the second member left", events);
  }

  /**
   * The group's committed offset of {@code tp}, asked by the poller's own consumer after the commands
   * before this one: the coordinator answers a connection's requests in order, so an async commit
   * sent before is seen.
   */
  private static long committed(KafkaPoller poller, TopicPartition tp) throws Exception {
    CompletableFuture<Long> offset = new CompletableFuture<>();
    poller.submit(c -> {
      OffsetAndMetadata o = c.committed(java.util.Set.of(tp), Duration.ofSeconds(10)).get(tp);
      offset.complete(o == null ? -1 : o.offset());
    });
    return offset.get(30, TimeUnit.SECONDS);
  }

  private static void await(BooleanSupplier condition, String what, Recorder events) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "not within 60 s: " + what + "; " + events);
      Thread.sleep(20);
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int from, int n) throws Exception {
    for (int i = from; i < from + n; i++) {
      producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The poller's events, recorded (they arrive on the consumer thread: post runs them there). */
  private static final class Recorder implements KafkaPoller.Events {
    final AtomicInteger epoch = new AtomicInteger();
    final AtomicLong highest = new AtomicLong(-1);
    final java.util.concurrent.atomic.AtomicBoolean assignedNow = new java.util.concurrent.atomic.AtomicBoolean();
    final Map<String, Integer> counts = new ConcurrentHashMap<>();

    @Override
    public void assigned(TopicPartition tp, long position, long[] doneRuns, int epoch) {
      this.epoch.set(epoch);
      assignedNow.set(true);
      counts.merge("assigned", 1, Integer::sum);
    }

    @Override
    public void revoking(Collection<TopicPartition> parts, CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit) {
      assignedNow.set(false);
      counts.merge("revoked", 1, Integer::sum);
      commit.complete(Map.of());
    }

    @Override
    public void lost(Collection<TopicPartition> parts) {
      assignedNow.set(false);
      counts.merge("lost", 1, Integer::sum);
    }

    @Override
    public void records(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
      highest.accumulateAndGet(records.get(records.size() - 1).offset(), Math::max);
    }

    @Override
    public void health(String problem, Map<TopicPartition, Long> lag) {
    }

    @Override
    public void commitFailed(String why) {
    }

    @Override
    public String toString() {
      return "epoch " + epoch + ", highest offset read " + highest + ", assigned " + assignedNow + ", " + counts;
    }
  }
}
