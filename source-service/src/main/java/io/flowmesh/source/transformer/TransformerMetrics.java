package io.flowmesh.source.transformer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The source transformer's counters: inputs answered, results dropped (tagged {@code U+005C__DROP__}), and errors by fault ({@code unreachable}, {@code handshake}, {@code unknown-id},
 * {@code malformed}, {@code timeout}, {@code status}, {@code transport}).
 *
 * <p>Concurrency: Micrometer's counters are thread-safe; they are incremented once per response.
 */
final class TransformerMetrics {

  private final MeterRegistry registry;
  private final Counter transformed;
  private final Counter outputs;
  private final Counter dropped;
  private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();

  TransformerMetrics(MeterRegistry registry) {
    this.registry = registry;
    transformed = Counter.builder("flowmesh.source.transformer.transformed")
        .description("Source messages the source transformer answered").register(registry);
    outputs = Counter.builder("flowmesh.source.transformer.outputs")
        .description("Messages the source transformer's results put on the edge").register(registry);
    dropped = Counter.builder("flowmesh.source.transformer.dropped")
        .description("Source transformer results dropped (tagged U+005C__DROP__)").register(registry);
  }

  void answered(int kept, int drops) {
    transformed.increment();
    if (kept > 0) {
      outputs.increment(kept);
    }
    if (drops > 0) {
      dropped.increment(drops);
    }
  }

  void error(String fault) {
    errors.computeIfAbsent(fault, f -> Counter.builder("flowmesh.source.transformer.errors")
        .description("Source transformer failures by fault (each restarts its stream; nothing is lost)")
        .tag("fault", f).register(registry)).increment();
  }
}
