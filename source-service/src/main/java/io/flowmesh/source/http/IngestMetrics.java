package io.flowmesh.source.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rejected /ingest requests by reason ({@code flowmesh_source_http_rejected_total}) and the body
 * bytes read from the network ({@code flowmesh_source_http_received_bytes_total}).
 *
 * <p>Concurrency: thread-safe (Micrometer counters, registered once per reason).
 */
final class IngestMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Counter received;

  IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.received = Counter.builder("flowmesh.source.http.received.bytes").baseUnit("bytes")
        .description("POST /ingest body bytes read from the network, refused requests included").register(registry);
    for (String reason : new String[] {"full", "bad_request", "too_large", "unauthorized", "unsupported_media_type", "stopping",
        "timeout", "busy", "serving_timeout", "serving_too_large", "not_found"}) {
      rejected(reason);
    }
  }

  private Counter rejected(String reason) {
    return rejected.computeIfAbsent(reason, r -> Counter.builder("flowmesh.source.http.rejected")
        .description("POST /ingest and serving requests refused, by reason (full and busy = 429, stopping = 503, timeout = 408,"
            + " serving_timeout = 504, ...)")
        .tag("reason", r).register(registry));
  }

  void reject(String reason) {
    rejected(reason).increment();
  }

  void received(int bytes) {
    received.increment(bytes);
  }
}
