package io.flowmesh.source.kafka;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.LogLimiter;
import io.flowmesh.runtime.edge.MessageTooLargeException;
import io.flowmesh.runtime.edge.Watermarks;
import io.flowmesh.runtime.flow.AwaitCondition;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.source.engine.EdgeFeed;
import io.flowmesh.source.engine.EventTimeWatermark;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source: records of the assigned partitions go to the edge against credit; acks come
 * back in any order and each partition commits only its lowest unacked offset, with the acked
 * offsets above it in the commit metadata, so a restarted source skips what was done and never
 * loses what was not.
 *
 * <p>A record becomes a message with id {@code <topic>/<partition>/<offset>} (stable across
 * restarts and redeliveries, so a deduping sink drops replays), the record key as its key, the
 * headers as headers (UTF-8) and the record timestamp as its event time.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop; the consumer lives on {@link KafkaPoller}'s thread and
 * every exchange with it is a task posted to the other side.
 */
public final class KafkaIntake implements Producer, KafkaPoller.Events {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIntake.class);

  private final KafkaSourceConfig config;
  private final KafkaMetrics kafkaMetrics;
  private final long idleNanos;
  private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
  private final List<PartitionState> order = new ArrayList<>();
  private final boolean[] whole = new boolean[1];
  private final LogLimiter oversizedLog = new LogLimiter(10_000);
  private final LogLimiter commitFailureLog = new LogLimiter(30_000);
  private final EventTimeWatermark unassigned;
  private final EdgeFeed<PartitionState, ConsumerRecord<byte[], byte[]>> feed;
  private Vertx vertx;
  private Context context;
  private EdgeServer server;
  private KafkaPoller poller;
  private long commitTimer = -1;
  private boolean stopped;
  private String problem = "connecting to Kafka";
  private long acked;

  public KafkaIntake(KafkaSourceConfig config, java.time.Duration idleTimeout, SourceMetrics metrics, KafkaMetrics kafkaMetrics) {
    this.config = config;
    this.kafkaMetrics = kafkaMetrics;
    this.idleNanos = idleTimeout.toNanos();
    this.unassigned = new EventTimeWatermark(config.maxDelay().toMillis(), idleNanos, System.nanoTime());
    this.feed = new EdgeFeed<>(new EdgeFeed.Records<>() {
      public ArrayDeque<ConsumerRecord<byte[], byte[]>> unsent(PartitionState s) {
        return s.unsent;
      }

      public EdgeMessage toMessage(PartitionState s, ConsumerRecord<byte[], byte[]> r, long now) {
        return s.message(r, now);
      }

      public Object attachment(PartitionState s, ConsumerRecord<byte[], byte[]> r) {
        return s;
      }

      public void oversized(PartitionState s, ConsumerRecord<byte[], byte[]> r, MessageTooLargeException e) {
        KafkaIntake.this.oversized(s, r, e);
      }
    }, metrics);
  }

  @Override
  public String type() {
    return "kafka";
  }

  @Override
  public void start(Vertx vertx, EdgeServer server, IdSequence ids) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.server = server;
    server.demandHandler(v -> emit());
    poller = new KafkaPoller(config, task -> context.runOnContext(v -> task.run()), this);
    poller.start();
    commitTimer = vertx.setPeriodic(config.commitInterval().toMillis(), id -> commit());
  }

  // ---- from the consumer thread ----

  @Override
  public void assigned(TopicPartition tp, long position, long[] doneRuns, int epoch) {
    PartitionState s = new PartitionState(tp, position, doneRuns, config.maxDelay().toMillis(), idleNanos);
    s.epoch = epoch;
    s.committedOffset = position;
    PartitionState old = partitions.put(tp, s);
    if (old != null) {
      old.gone = true;
      order.remove(old);
    }
    order.add(s);
    kafkaMetrics.partitions(partitions.size());
    LOG.info("kafka partition {} assigned at offset {} ({} offsets above it done before)", tp, position, count(doneRuns));
  }

  @Override
  public void records(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
    PartitionState s = partitions.get(tp);
    if (s == null || s.gone || stopped) {
      return; // not ours any more: not tracked, so not committed; the owner reads them again
    }
    long before = s.skipped;
    s.read(records, System.currentTimeMillis(), System.nanoTime());
    kafkaMetrics.skipped(s.skipped - before);
    if (!s.paused && s.tracker.pending() >= config.maxUnackedPerPartition()) {
      pause(s);
    }
    emit();
  }

  @Override
  public void revoking(Collection<TopicPartition> parts, CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit) {
    List<PartitionState> states = new ArrayList<>();
    for (TopicPartition tp : parts) {
      PartitionState s = partitions.get(tp);
      if (s != null) {
        s.dropUnsent(); // never sent: left uncommitted, the new owner reads them
        states.add(s);
      }
    }
    // stopping (the final revoke, as the consumer closes): the edge has drained already, no ack is coming
    long deadline = System.nanoTime() + (stopped ? 0 : config.revokeTimeout().toNanos());
    AwaitCondition.until(vertx, () -> states.stream().allMatch(s -> s.inFlight() == 0), deadline).onComplete(ar -> {
      // the commit is completed whatever happened: the consumer thread waits for it
      boolean settled = ar.succeeded() && ar.result();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (PartitionState s : states) {
        offsets.put(s.tp, new OffsetAndMetadata(s.tracker.commitOffset(), s.tracker.metadata(config.maxMetadataChars(), whole)));
        forget(s);
      }
      if (!settled && !stopped) {
        LOG.warn("kafka revoke of {}: {} records still unacked after {}; the new owner reads them again", parts,
            states.stream().mapToInt(PartitionState::inFlight).sum(), config.revokeTimeout());
      }
      commit.complete(offsets);
    });
  }

  @Override
  public void lost(Collection<TopicPartition> parts) {
    for (TopicPartition tp : parts) {
      PartitionState s = partitions.get(tp);
      if (s != null) {
        forget(s);
      }
    }
  }

  @Override
  public void health(String problem, Map<TopicPartition, Long> lag) {
    if (problem != null && !problem.equals(this.problem)) {
      LOG.warn("kafka source not ready: {}", problem);
    } else if (problem == null && this.problem != null) {
      LOG.info("kafka source ready: brokers {} reachable, topics {}", config.bootstrapServers(), config.topics());
    }
    this.problem = problem;
    long total = 0;
    for (Map.Entry<TopicPartition, Long> e : lag.entrySet()) {
      PartitionState s = partitions.get(e.getKey());
      if (s != null) {
        s.lag = e.getValue();
        total += e.getValue();
      }
    }
    kafkaMetrics.lag(partitions.values(), total);
  }

  @Override
  public void commitFailed(String why) {
    for (PartitionState s : order) {
      s.committedOffset = -1; // commit again at the next interval
    }
    kafkaMetrics.commitFailed();
    if (commitFailureLog.allow()) {
      LOG.warn("kafka commit failed: {} (retried every {}; nothing is committed past an unacked record){}", why,
          config.commitInterval(), commitFailureLog.suppressedSuffix());
    }
  }

  // ---- on the event loop ----

  private void emit() {
    if (!stopped) {
      feed.feed(server, order);
    }
  }

  /** A record over edge.max-message-bytes can never cross an edge: it is skipped, committed past, counted and named. */
  private void oversized(PartitionState s, ConsumerRecord<byte[], byte[]> r, MessageTooLargeException e) {
    s.tracker.ack(r.offset());
    kafkaMetrics.oversized();
    if (oversizedLog.allow()) {
      LOG.warn("kafka record {}/{}/{} skipped: {}{}", s.tp.topic(), s.tp.partition(), r.offset(), e.getMessage(),
          oversizedLog.suppressedSuffix());
    }
  }

  @Override
  public void acked(EdgeMessage message, Object attachment) {
    PartitionState s = (PartitionState) attachment;
    if (s.gone) {
      return;
    }
    if (s.tracker.ack(PartitionState.offsetOf(message.getId()))) {
      acked++;
      if (s.paused && !s.metadataFull && s.tracker.pending() <= config.maxUnackedPerPartition() / 2) {
        resume(s);
      }
    }
  }

  /** Commits, for every partition whose commit point or metadata moved, what is safe. */
  private void commit() {
    Map<TopicPartition, Integer> epochs = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = commitOffsets(false, epochs);
    if (!offsets.isEmpty()) {
      poller.commit(offsets, epochs);
    }
  }

  /** What to commit ({@code all}: every partition, else those whose commit moved), and into {@code epochs} their assignments. */
  private Map<TopicPartition, OffsetAndMetadata> commitOffsets(boolean all, Map<TopicPartition, Integer> epochs) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionState s : order) {
      long offset = s.tracker.commitOffset();
      String metadata = s.tracker.metadata(config.maxMetadataChars(), whole);
      if (!whole[0] && !s.metadataFull) {
        s.metadataFull = true;
        pause(s);
        LOG.info("kafka partition {} paused: the acked offsets above {} no longer fit in {} characters of commit metadata",
            s.tp, offset, config.maxMetadataChars());
      } else if (whole[0] && s.metadataFull) {
        s.metadataFull = false;
        if (s.tracker.pending() <= config.maxUnackedPerPartition() / 2) {
          resume(s);
        }
      }
      if (all || offset != s.committedOffset || !metadata.equals(s.committedMetadata)) {
        offsets.put(s.tp, new OffsetAndMetadata(offset, metadata));
        epochs.put(s.tp, s.epoch);
        s.committedOffset = offset;
        s.committedMetadata = metadata;
      }
    }
    return offsets;
  }

  private void pause(PartitionState s) {
    s.paused = true;
    poller.pause(s.tp, s.epoch);
    kafkaMetrics.paused(1);
  }

  private void resume(PartitionState s) {
    s.paused = false;
    poller.resume(s.tp, s.epoch);
    kafkaMetrics.paused(-1);
  }

  private void forget(PartitionState s) {
    s.gone = true;
    if (s.paused) {
      kafkaMetrics.paused(-1);
    }
    partitions.remove(s.tp, s); // a late revoke of an earlier assignment must not remove the current one
    order.remove(s);
    kafkaMetrics.partitions(partitions.size());
  }

  @Override
  public void tick(long nowMillis) {
    emit();
  }

  @Override
  public long watermark(long nowMillis) {
    if (order.isEmpty()) {
      return unassigned.watermark(nowMillis, System.nanoTime(), 0);
    }
    long wm = Long.MAX_VALUE;
    long nanos = System.nanoTime();
    for (PartitionState s : order) {
      wm = Math.min(wm, s.watermark.watermark(nowMillis, nanos, s.unsent.size()));
    }
    return wm == Long.MAX_VALUE ? Watermarks.NONE : wm;
  }

  @Override
  public void stop() {
    stopped = true;
    for (PartitionState s : order) {
      s.dropUnsent(); // not sent: not done, so not committed; read again on the next start
    }
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(commitTimer);
    Map<TopicPartition, Integer> epochs = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> last = commitOffsets(true, epochs);
    LOG.info("kafka source closing: committing {}", last);
    return Future.fromCompletionStage(poller.stop(last, epochs), context);
  }

  @Override
  public Readiness readiness() {
    return problem == null ? Readiness.READY : Readiness.notReady(problem);
  }

  @Override
  public void status(JsonObject into) {
    JsonArray parts = new JsonArray();
    long pending = 0;
    for (PartitionState s : order) {
      parts.add(new JsonObject().put("topic", s.tp.topic()).put("partition", s.tp.partition())
          .put("commitOffset", s.tracker.commitOffset()).put("nextOffset", s.tracker.next())
          .put("unacked", s.tracker.pending()).put("unsent", s.unsent.size()).put("paused", s.paused)
          .put("metadataFull", s.metadataFull).put("read", s.read).put("skipped", s.skipped).put("lag", s.lag));
      pending += Math.max(0, s.lag);
    }
    into.put("produced", feed.produced()).put("acked", acked).put("pending", pending).put("ready", problem == null)
        .put("problem", problem).put("bootstrapServers", config.bootstrapServers()).put("topics", new JsonArray(config.topics()))
        .put("groupId", config.groupId()).put("partitions", parts);
  }

  private static long count(long[] runs) {
    long n = 0;
    for (int i = 0; i < runs.length; i += 2) {
      n += runs[i + 1] - runs[i] + 1;
    }
    return n;
  }
}
