package io.flowmesh.sink.engine;

import io.flowmesh.runtime.edge.Watermarks;
import io.flowmesh.runtime.service.LoopHistogram;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The sink's meters ({@code flowmesh_sink_*}), shared by its verticle instances.
 *
 * <h2>Concurrency</h2>
 * Thread-safe: Micrometer meters, incremented once per batch; the latency histogram has a recorder
 * per instance, written once per message on that instance's loop; each instance publishes its
 * watermark into its own slot of an atomic array, the only engine value another thread reads, and
 * the gauges take the minimum.
 */
public final class SinkMetrics {

  private final String type;
  private final LoopHistogram latency;
  private final Counter messages;
  private final Counter bytes;
  private final Counter duplicates;
  private final Counter writeErrors;
  private final Counter dropped;
  private final AtomicLongArray watermarks;

  public SinkMetrics(MeterRegistry registry, String type, int instances) {
    this.type = type;
    latency = LoopHistogram.of(registry, "flowmesh_sink_e2e_latency_seconds",
        "End-to-end latency: when a message was written minus when the source took it in (ingest time)",
        Duration.ofMillis(1), Duration.ofMinutes(5));
    messages = Counter.builder("flowmesh.sink.messages").description("Messages written (and acked) by the sink")
        .tag("type", type).register(registry);
    bytes = Counter.builder("flowmesh.sink.bytes").description("Payload bytes of the messages written")
        .tag("type", type).register(registry);
    duplicates = Counter.builder("flowmesh.sink.duplicates").description("Redelivered duplicates dropped (acked, not written again)")
        .tag("type", type).register(registry);
    dropped = Counter.builder("flowmesh.sink.dropped").description("Messages that finally failed to be written and were dropped (sink.on-failure=drop)")
        .register(registry);
    writeErrors = Counter.builder("flowmesh.sink.write.errors").description("Batch writes that failed (their messages were nacked)")
        .tag("type", type).register(registry);
    watermarks = new AtomicLongArray(instances);
    for (int i = 0; i < instances; i++) {
      watermarks.set(i, Watermarks.NONE);
    }
    Gauge.builder("flowmesh.sink.watermark", this, SinkMetrics::watermark).description("The sink's input watermark, epoch ms")
        .baseUnit("milliseconds").tag("type", type).register(registry);
    Gauge.builder("flowmesh.sink.watermark.lag", this, m -> m.watermark() < 0 ? Double.NaN : System.currentTimeMillis() - m.watermark())
        .description("Wall clock minus the sink's watermark").baseUnit("milliseconds").tag("type", type).register(registry);
  }

  /** The minimum over the instances' watermarks, NaN while any has none. */
  private double watermark() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < watermarks.length(); i++) {
      min = Math.min(min, watermarks.get(i));
    }
    return min < 0 ? Double.NaN : min;
  }

  /** A recorder of end-to-end latency for one instance, written on its event loop only. */
  LoopHistogram.Recorder latencyRecorder() {
    return latency.recorder("type", type);
  }

  void written(long n, long payload) {
    messages.increment(n);
    bytes.increment(payload);
  }

  void duplicates(long n) {
    duplicates.increment(n);
  }

  void dropped() {
    dropped.increment();
  }

  void writeError() {
    writeErrors.increment();
  }

  void watermark(int instance, long wm) {
    watermarks.set(instance, wm);
  }
}
