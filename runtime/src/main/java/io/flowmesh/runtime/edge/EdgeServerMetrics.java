package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The upstream side's counters and gauges. The gauges run on the scraping thread: they read totals
 * the event loop refreshes ({@link EdgeServer} sets the {@code ...Seen} fields), never its state.
 */
final class EdgeServerMetrics {

  final Counter sent;
  final Counter sentBytes;
  final Counter batches;
  final Counter acked;
  final Counter nacked;
  final Counter redelivered;
  final Counter violations;
  double creditSeen;
  double unackedSeen;
  double subscribersSeen;

  EdgeServerMetrics(MeterRegistry registry, String vertex, OutboundQueue queue) {
    Gauge.builder("flowmesh.edge.queue", queue, OutboundQueue::size).description("Messages waiting for a subscriber with credit")
        .tag("vertex", vertex).register(registry);
    Gauge.builder("flowmesh.edge.queue.capacity", queue, OutboundQueue::capacity).description("Capacity of the upstream queue")
        .tag("vertex", vertex).register(registry);
    Gauge.builder("flowmesh.edge.subscribers", this, m -> m.subscribersSeen).description("Subscribers connected to this vertex's edge")
        .tag("vertex", vertex).register(registry);
    Gauge.builder("flowmesh.edge.subscriber.credit", this, m -> m.creditSeen)
        .description("Credit the subscribers granted and this vertex has not used yet, summed").tag("vertex", vertex).register(registry);
    Gauge.builder("flowmesh.edge.unacked", this, m -> m.unackedSeen).description("Messages sent and not yet acknowledged")
        .tag("vertex", vertex).register(registry);
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
