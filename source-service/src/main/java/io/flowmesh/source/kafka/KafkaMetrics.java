package io.flowmesh.source.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka source's meters: lag per partition and in all, partitions assigned and paused,
 * records skipped on a restart because the commit metadata said they were done, failed commits.
 *
 * <p>Concurrency: updated from the event loop, read by the scraping thread (atomics and
 * Micrometer's thread-safe meters).
 */
public final class KafkaMetrics {

  private final AtomicLong partitions = new AtomicLong();
  private final AtomicLong paused = new AtomicLong();
  private final AtomicLong totalLag = new AtomicLong(-1);
  private final Counter skipped;
  private final Counter commitFailures;
  private final Counter oversized;
  private final MultiGauge lag;

  public KafkaMetrics(MeterRegistry registry) {
    Gauge.builder("flowmesh.source.kafka.partitions", partitions, AtomicLong::get)
        .description("Kafka partitions assigned to this source").register(registry);
    Gauge.builder("flowmesh.source.kafka.paused.partitions", paused, AtomicLong::get)
        .description("Partitions paused: too many unacked records, or commit metadata full").register(registry);
    Gauge.builder("flowmesh.source.kafka.pending", totalLag, a -> a.get() < 0 ? Double.NaN : a.get())
        .description("Records in the assigned partitions not read yet (consumer lag), summed").register(registry);
    skipped = Counter.builder("flowmesh.source.kafka.skipped")
        .description("Records not sent again after a restart because the commit metadata said they were done").register(registry);
    commitFailures = Counter.builder("flowmesh.source.kafka.commit.failures").description("Offset commits that failed").register(registry);
    oversized = Counter.builder("flowmesh.source.kafka.oversized")
        .description("Records skipped because their value is over edge.max-message-bytes").register(registry);
    lag = MultiGauge.builder("flowmesh.source.kafka.lag").description("Consumer lag per partition, in records").register(registry);
  }

  void partitions(int n) {
    partitions.set(n);
  }

  void paused(int delta) {
    paused.addAndGet(delta);
  }

  void skipped(long n) {
    if (n > 0) {
      skipped.increment(n);
    }
  }

  void oversized() {
    oversized.increment();
  }

  void commitFailed() {
    commitFailures.increment();
  }

  void lag(Collection<PartitionState> states, long total) {
    totalLag.set(total);
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (PartitionState s : states) {
      if (s.lag >= 0) {
        rows.add(MultiGauge.Row.of(Tags.of("topic", s.tp.topic(), "partition", Integer.toString(s.tp.partition())), s.lag));
      }
    }
    lag.register(rows, true);
  }
}
