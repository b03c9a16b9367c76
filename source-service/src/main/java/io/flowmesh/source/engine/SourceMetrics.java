package io.flowmesh.source.engine;

import io.flowmesh.runtime.edge.Watermarks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source's own meters ({@code flowmesh_source_*}); the edge registers its own.
 *
 * <h2>Concurrency</h2>
 * Counters are thread-safe and incremented once per batch or tick, not per message. The
 * watermark gauge reads a mirror the source's event loop sets every tick: the only value shared
 * with the scraping thread.
 */
public final class SourceMetrics {

  private final Counter messages;
  private final Counter bytes;
  private final Counter acked;
  private final AtomicLong watermark = new AtomicLong(Watermarks.NONE);

  public SourceMetrics(MeterRegistry registry, String type) {
    messages = Counter.builder("flowmesh.source.messages").description("Messages generated or ingested (each counted once, not per redelivery)")
        .tag("type", type).register(registry);
    bytes = Counter.builder("flowmesh.source.bytes").description("Payload bytes generated or ingested")
        .tag("type", type).register(registry);
    acked = Counter.builder("flowmesh.source.acked").description("Messages acknowledged end to end by the pipeline")
        .tag("type", type).register(registry);
    Gauge.builder("flowmesh.source.watermark", watermark, w -> w.get() < 0 ? Double.NaN : w.get())
        .description("The source's watermark, epoch milliseconds").baseUnit("milliseconds").tag("type", type).register(registry);
    Gauge.builder("flowmesh.source.watermark.lag", watermark, w -> w.get() < 0 ? Double.NaN : System.currentTimeMillis() - w.get())
        .description("Wall clock minus the source's watermark").baseUnit("milliseconds").tag("type", type).register(registry);
  }

  /** Counts {@code n} new messages of {@code payload} bytes in all. */
  public void produced(long n, long payload) {
    messages.increment(n);
    bytes.increment(payload);
  }

  void acked(long n) {
    if (n > 0) {
      acked.increment(n);
    }
  }

  void watermark(long wm) {
    watermark.set(wm);
  }
}
