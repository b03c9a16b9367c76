package io.flowmesh.source.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the {@link KafkaConsumer} (which is not thread-safe): it polls, hands
 * each partition's records to the event loop, and carries out what the event loop asks of the
 * consumer — commit, pause, resume — between polls. Rebalance callbacks run here, inside
 * {@code poll}; a revoke waits (on this thread, never on the event loop) for the event loop to
 * say what is safe to commit for the revoked partitions.
 */
final class KafkaPoller implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaPoller.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long HEALTH_CHECK_NANOS = 2_000_000_000L;

  /** What the poller tells the event loop; every call is made through {@link #post}. */
  interface Events {
    /** {@code epoch} names this assignment of {@code tp}: pause and resume carry it (see {@link #pause}). */
    void assigned(TopicPartition tp, long position, long[] doneRuns, int epoch);

    /** Completes {@code commit} with the offsets safe to commit for {@code parts}, within the revoke timeout. */
    void revoking(Collection<TopicPartition> parts, CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit);

    void lost(Collection<TopicPartition> parts);

    void records(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records);

    void health(String problem, Map<TopicPartition, Long> lag);

    void commitFailed(String why);
  }

  private final KafkaSourceConfig config;
  private final Consumer<Runnable> post;
  private final Events events;
  private final ConcurrentLinkedQueue<java.util.function.Consumer<KafkaConsumer<byte[], byte[]>>> commands = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> exited = new CompletableFuture<>();
  private volatile boolean stopping;
  private volatile Map<TopicPartition, OffsetAndMetadata> finalCommit;
  private volatile Map<TopicPartition, Integer> finalEpochs = Map.of();
  private KafkaConsumer<byte[], byte[]> consumer;
  private long lastHealthNanos;
  /**
   * Per partition, its epoch: moved on when it is assigned here and again when that assignment is
   * revoked or lost, so a command carrying an older one is stale (consumer thread only).
   */
  private final Map<TopicPartition, Integer> epochs = new HashMap<>();

  /**
   * @param post runs a task on the event loop, in order
   */
  KafkaPoller(KafkaSourceConfig config, Consumer<Runnable> post, Events events) {
    this.config = config;
    this.post = post;
    this.events = events;
  }

  static Properties properties(KafkaSourceConfig config) {
    Properties p = new Properties();
    p.putAll(config.client());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startPosition());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    return p;
  }

  /** Starts the thread. */
  void start() {
    Thread t = new Thread(this, "flowmesh-kafka-poller");
    t.setDaemon(true);
    t.start();
  }

  /** Asks the consumer thread to do {@code command} before its next poll. */
  void submit(java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> command) {
    commands.add(command);
  }

  /**
   * Pauses {@code tp} if it is still in the assignment {@code epoch} named. A command the event loop
   * sent for an earlier assignment of the same partition (revoked or lost, then assigned here again)
   * is ignored: it would pause the new assignment, which the event loop believes is running, and
   * the partition would never be read again.
   */
  void pause(TopicPartition tp, int epoch) {
    submit(c -> {
      if (current(tp, epoch)) {
        c.pause(List.of(tp));
      }
    });
  }

  /** Resumes {@code tp} if it is still in the assignment {@code epoch} named. */
  void resume(TopicPartition tp, int epoch) {
    submit(c -> {
      if (current(tp, epoch)) {
        c.resume(List.of(tp));
      }
    });
  }

  /**
   * Commits {@code offsets} asynchronously, each partition only if it is still in the assignment
   * {@code epochs} names for it. The event loop computes a commit between polls, but a rebalance
   * runs inside {@code poll}: a commit computed before a revoke would otherwise reach the broker
   * after it, overwriting what the revoke committed (or what the partition's new owner did) with
   * an older offset. A partition assigned here again then sat at that stale offset for good: its
   * new assignment, already done, had nothing new to commit.
   */
  void commit(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Integer> epochs) {
    submit(c -> {
      Map<TopicPartition, OffsetAndMetadata> current = current(offsets, epochs);
      if (!current.isEmpty()) {
        c.commitAsync(current, (done, e) -> {
          if (e != null) {
            post.accept(() -> events.commitFailed(describe(e)));
          }
        });
      }
    });
  }

  /** The entries of {@code offsets} whose partition is still in the assignment {@code epochs} names (consumer thread). */
  private Map<TopicPartition, OffsetAndMetadata> current(Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<TopicPartition, Integer> epochs) {
    Set<TopicPartition> assignment = consumer.assignment(); // a copy: read once per command
    Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
    offsets.forEach((tp, o) -> {
      Integer epoch = epochs.get(tp);
      if (epoch != null && current(tp, epoch, assignment)) {
        current.put(tp, o);
      }
    });
    return current;
  }

  private boolean current(TopicPartition tp, int epoch) {
    return current(tp, epoch, consumer.assignment());
  }

  private boolean current(TopicPartition tp, int epoch, Set<TopicPartition> assignment) {
    Integer e = epochs.get(tp);
    return e != null && e == epoch && assignment.contains(tp);
  }

  /**
   * Commits {@code offsets} (synchronously; as {@link #commit}, only partitions still in the
   * assignment {@code epochs} names), leaves the group and closes; completes when the thread ended.
   */
  CompletableFuture<Void> stop(Map<TopicPartition, OffsetAndMetadata> lastCommit, Map<TopicPartition, Integer> epochs) {
    finalEpochs = epochs;
    finalCommit = lastCommit;
    stopping = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    return exited;
  }

  @Override
  public void run() {
    try {
      consumer = new KafkaConsumer<>(properties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(config.topics(), new Rebalance());
      while (!stopping) {
        runCommands();
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        } catch (KafkaException e) {
          LOG.warn("kafka poll failed: {} (retrying)", describe(e));
          post.accept(() -> events.health("poll failed: " + describe(e), Map.of()));
          sleep(1000);
          continue;
        }
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
          post.accept(() -> events.records(tp, list));
        }
        checkHealth();
      }
      runCommands();
      Map<TopicPartition, OffsetAndMetadata> last = finalCommit == null ? Map.of() : current(finalCommit, finalEpochs);
      if (!last.isEmpty()) {
        finalCommit(last);
      }
    } catch (RuntimeException e) {
      LOG.error("kafka consumer thread failed: {}", describe(e));
      post.accept(() -> events.health("consumer failed: " + describe(e), Map.of()));
    } finally {
      if (consumer != null) {
        try {
          consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
          LOG.debug("kafka consumer close: {}", describe(e));
        }
      }
      exited.complete(null);
    }
  }

  /** The commit on stop; the wakeup that stopped the loop may still be pending if it came between polls. */
  private void finalCommit(Map<TopicPartition, OffsetAndMetadata> last) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        consumer.commitSync(last, Duration.ofSeconds(10));
        return;
      } catch (WakeupException e) {
        // the stop's own wakeup, consumed by this call: the second attempt commits
      } catch (KafkaException e) {
        LOG.warn("kafka final commit failed: {} (the records after the last commit will be read again)", describe(e));
        return;
      }
    }
  }

  private void runCommands() {
    java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> c;
    while ((c = commands.poll()) != null) {
      try {
        c.accept(consumer);
      } catch (KafkaException | IllegalStateException e) {
        LOG.debug("kafka consumer command failed: {}", describe(e));
      }
    }
  }

  /** Every few seconds: can the brokers be reached, do the topics exist, and each partition's lag. */
  private void checkHealth() {
    long now = System.nanoTime();
    if (now - lastHealthNanos < HEALTH_CHECK_NANOS) {
      return;
    }
    lastHealthNanos = now;
    String problem = null;
    try {
      for (String topic : config.topics()) {
        List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(2));
        if (parts == null || parts.isEmpty()) {
          problem = "topic " + topic + " does not exist at " + config.bootstrapServers();
          break;
        }
      }
    } catch (WakeupException e) {
      return; // stopping
    } catch (KafkaException e) {
      problem = "Kafka at " + config.bootstrapServers() + " unreachable: " + describe(e);
    }
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      consumer.currentLag(tp).ifPresent(l -> lag.put(tp, l));
    }
    String p = problem;
    post.accept(() -> events.health(p, lag));
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
      if (parts.isEmpty()) {
        return;
      }
      nextEpoch(parts); // what the event loop queued for this assignment is stale from here on
      CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit = new CompletableFuture<>();
      post.accept(() -> events.revoking(parts, commit));
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets = commit.get(config.revokeTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        if (!offsets.isEmpty()) {
          commitSync(offsets);
        }
        LOG.info("kafka partitions revoked {}: committed {}", parts, offsets);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("kafka commit on revoke of {} failed: {} (the new owner reads from the last commit)", parts, describe(e));
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
      nextEpoch(parts);
      LOG.warn("kafka partitions lost {}: nothing committed for them; the new owner reads from the last commit", parts);
      post.accept(() -> events.lost(parts));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
      if (parts.isEmpty()) {
        return;
      }
      // a new epoch first: should what follows fail, nothing queued for an earlier assignment applies
      nextEpoch(parts);
      Set<TopicPartition> set = new HashSet<>(parts);
      // a new assignment starts unpaused on both sides, whatever an earlier assignment of the same
      // partition left in the consumer
      consumer.resume(parts);
      List<Runnable> tasks = new ArrayList<>();
      try {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set, Duration.ofSeconds(30));
        for (TopicPartition tp : parts) {
          long position = consumer.position(tp, Duration.ofSeconds(30));
          OffsetAndMetadata c = committed.get(tp);
          long[] runs = c == null || c.offset() != position ? new long[0] : OffsetRuns.decode(position, c.metadata());
          int epoch = epochs.get(tp);
          tasks.add(() -> events.assigned(tp, position, runs, epoch));
        }
      } catch (WakeupException e) {
        return; // stopping: the consumer closes without reading these
      } catch (KafkaException e) {
        // The event loop would never hear of these partitions and would drop their records while
        // the consumer read on: give them back and join again instead.
        LOG.warn("kafka assignment of {} not taken up: {}; rejoining the group", parts, describe(e));
        consumer.enforceRebalance("the committed offsets or positions of the assigned partitions could not be read");
        return;
      }
      LOG.info("kafka partitions assigned {}", parts);
      tasks.forEach(post);
    }
  }

  /** Moves the epoch of {@code parts} on: commands queued for their earlier one no longer apply (consumer thread). */
  private void nextEpoch(Collection<TopicPartition> parts) {
    for (TopicPartition tp : parts) {
      epochs.merge(tp, 1, Integer::sum);
    }
  }

  /** A synchronous commit; a wakeup (the stop's own, which may come while a rebalance runs) is taken and the commit tried again. */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
    } catch (WakeupException e) {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
