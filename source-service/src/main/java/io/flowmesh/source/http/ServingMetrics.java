package io.flowmesh.source.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serving requests by mode and outcome ({@code flowmesh_source_serving_requests_total{mode=sync|async|acked,
 * outcome=answered|timeout|full|gone}}), the requests waiting now ({@code flowmesh_source_serving_pending}) and the
 * bytes of stored async answers ({@code flowmesh_source_serving_result_bytes}).
 *
 * <p>Concurrency: counted on the source's event loop; read by the scraper (Micrometer, an atomic gauge).
 */
final class ServingMetrics {

  private final Counter[] counters = new Counter[Waiter.Mode.values().length * 4];
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong resultBytes = new AtomicLong();

  ServingMetrics(MeterRegistry registry) {
    String[] outcomes = {"answered", "timeout", "full", "gone"};
    for (Waiter.Mode m : Waiter.Mode.values()) {
      for (int o = 0; o < outcomes.length; o++) {
        counters[m.ordinal() * 4 + o] = Counter.builder("flowmesh.source.serving.requests")
            .description("Serving requests (sync, async, ingest wait=acked) by outcome: answered, timeout (504), full (429), gone (the client disconnected while it waited)")
            .tag("mode", m.name().toLowerCase(Locale.ROOT)).tag("outcome", outcomes[o]).register(registry);
      }
    }
    Gauge.builder("flowmesh.source.serving.pending", pending, AtomicInteger::get)
        .description("Serving requests waiting for their answer now (bounded by source.serving.max-pending)").register(registry);
    Gauge.builder("flowmesh.source.serving.result.bytes", resultBytes, AtomicLong::get).baseUnit("bytes")
        .description("Bytes of the async answers kept for /v1/process/fetch (their serialized outputs; bounded by"
            + " source.serving.max-result-bytes)").register(registry);
  }

  void answered(Waiter.Mode m) {
    counters[m.ordinal() * 4].increment();
  }

  void timeout(Waiter.Mode m) {
    counters[m.ordinal() * 4 + 1].increment();
  }

  void full(Waiter.Mode m) {
    counters[m.ordinal() * 4 + 2].increment();
  }

  void gone(Waiter.Mode m) {
    counters[m.ordinal() * 4 + 3].increment();
  }

  void pending(int n) {
    pending.set(n);
  }

  void resultBytes(long n) {
    resultBytes.lazySet(n);
  }
}
