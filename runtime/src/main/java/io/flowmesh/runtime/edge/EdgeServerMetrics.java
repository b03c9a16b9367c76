package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The upstream side's counters; gauges are registered by {@link EdgeServer} itself. */
final class EdgeServerMetrics {

  final Counter sent;
  final Counter sentBytes;
  final Counter batches;
  final Counter acked;
  final Counter nacked;
  final Counter redelivered;
  final Counter violations;

  EdgeServerMetrics(MeterRegistry registry, String vertex) {
    sent = Counter.builder("flowmesh.edge.sent").description("Messages sent downstream on the edges this vertex serves")
        .tag("vertex", vertex).register(registry);
    sentBytes = Counter.builder("flowmesh.edge.sent.bytes").description("Payload bytes sent downstream")
        .tag("vertex", vertex).register(registry);
    batches = Counter.builder("flowmesh.edge.batches").description("Batch frames sent downstream")
        .tag("vertex", vertex).register(registry);
    acked = Counter.builder("flowmesh.edge.acked").description("Messages acknowledged by downstream")
        .tag("vertex", vertex).register(registry);
    nacked = Counter.builder("flowmesh.edge.nacked").description("Messages nacked by downstream (redelivered after a backoff)")
        .tag("vertex", vertex).register(registry);
    redelivered = Counter.builder("flowmesh.edge.redelivered").description("Messages put back in the queue after a nack or a lost edge")
        .tag("vertex", vertex).register(registry);
    violations = Counter.builder("flowmesh.edge.protocol.violations").description("Edges failed because the peer broke the edge protocol")
        .tag("vertex", vertex).tag("side", "upstream").register(registry);
  }
}
