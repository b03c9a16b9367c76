package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** The downstream side's counters, and the gauges of one subscriber (removed when it closes). */
final class EdgeSubscriberMetrics {

  final Counter received;
  final Counter receivedBytes;
  final Counter reconnects;
  final Counter violations;
  final Counter staleAcks;
  private final MeterRegistry registry;
  private final List<Meter> gauges = new ArrayList<>();

  EdgeSubscriberMetrics(MeterRegistry registry, String vertex, String upstream) {
    this.registry = registry;
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

  /** Registers the input buffer, capacity and credit gauges of {@code s}. */
  void registerGauges(EdgeSubscriber s, String vertex, String upstream, EdgeOptions options) {
    String id = s.subscriberId();
    gauges.add(Gauge.builder("flowmesh.edge.input.buffer", s, EdgeSubscriber::buffered).description("Messages in the input buffer of an edge")
        .tag("vertex", vertex).tag("upstream", upstream).tag("subscriber", id).register(registry));
    gauges.add(Gauge.builder("flowmesh.edge.input.capacity", options, EdgeOptions::inputCapacity).description("Capacity of the input buffer of an edge")
        .tag("vertex", vertex).tag("upstream", upstream).tag("subscriber", id).register(registry));
    gauges.add(Gauge.builder("flowmesh.edge.credit.granted", s, EdgeSubscriber::creditOutstanding).description("Credit granted to the upstream and not yet used")
        .tag("vertex", vertex).tag("side", "downstream").tag("upstream", upstream).tag("subscriber", id).register(registry));
  }

  /** Removes the gauges: they hold on to the subscriber, and a closed one must not be scraped or kept alive. */
  void removeGauges() {
    gauges.forEach(registry::remove);
    gauges.clear();
  }
}
