package io.flowmesh.source.udsource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user-defined source's meters: pending as the UDF reports it, reads that failed, protocol
 * faults, reconnects, offsets acked and nacked at the UDF.
 *
 * <p>Concurrency: updated from the event loop, read by the scraping thread.
 */
public final class UdSourceMetrics {

  private final AtomicLong pending = new AtomicLong(-1);
  private final AtomicLong partitions = new AtomicLong();
  private final Counter readFailures;
  private final Counter faults;
  private final Counter reconnects;
  private final Counter ackedAtUdf;
  private final Counter nacked;

  public UdSourceMetrics(MeterRegistry registry) {
    Gauge.builder("flowmesh.source.udsource.pending", pending, a -> a.get() < 0 ? Double.NaN : a.get())
        .description("Records not read yet, as the source UDF's PendingFn says (NaN: unknown)").register(registry);
    Gauge.builder("flowmesh.source.udsource.partitions", partitions, AtomicLong::get)
        .description("Partitions the source UDF's PartitionsFn names").register(registry);
    readFailures = Counter.builder("flowmesh.source.udsource.read.failures")
        .description("ReadFn batches the UDF ended with status FAILURE (read again after backoff)").register(registry);
    faults = Counter.builder("flowmesh.source.udsource.protocol.faults")
        .description("source.v1 protocol violations by the UDF (its streams were restarted)").register(registry);
    reconnects = Counter.builder("flowmesh.source.udsource.reconnects")
        .description("Times the ReadFn/AckFn streams were reopened after they broke").register(registry);
    ackedAtUdf = Counter.builder("flowmesh.source.udsource.acked")
        .description("Offsets whose AckFn request the UDF confirmed").register(registry);
    nacked = Counter.builder("flowmesh.source.udsource.nacked")
        .description("Offsets read and not acked that the source handed back with NackFn (at close), as the UDF confirmed")
        .register(registry);
  }

  void pending(long n) {
    pending.set(n);
  }

  void partitions(int n) {
    partitions.set(n);
  }

  void readFailed() {
    readFailures.increment();
  }

  void fault() {
    faults.increment();
  }

  void reconnected() {
    reconnects.increment();
  }

  void ackedAtUdf(int n) {
    ackedAtUdf.increment(n);
  }

  void nacked(int n) {
    nacked.increment(n);
  }
}
