package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The downstream side's counters. */
final class EdgeSubscriberMetrics {

  final Counter received;
  final Counter receivedBytes;
  final Counter reconnects;
  final Counter violations;
  final Counter staleAcks;

  EdgeSubscriberMetrics(MeterRegistry registry, String vertex, String upstream) {
    received = Counter.builder("flowmesh.edge.received").description("Messages received from upstream")
        .tag("vertex", vertex).tag("upstream", upstream).register(registry);
    receivedBytes = Counter.builder("flowmesh.edge.received.bytes").description("Payload bytes received from upstream")
        .tag("vertex", vertex).tag("upstream", upstream).register(registry);
    reconnects = Counter.builder("flowmesh.edge.reconnects").description("Times the edge to the upstream was lost and redialled")
        .tag("vertex", vertex).tag("upstream", upstream).register(registry);
    violations = Counter.builder("flowmesh.edge.protocol.violations").description("Edges failed because the peer broke the edge protocol")
        .tag("vertex", vertex).tag("side", "downstream").register(registry);
    staleAcks = Counter.builder("flowmesh.edge.stale.acks").description("Acks for messages of a lost stream, not sent (the upstream redelivers those)")
        .tag("vertex", vertex).tag("upstream", upstream).register(registry);
  }
}
