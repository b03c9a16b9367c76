package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * One outbound edge's counters and gauges, tagged {@code vertex} and — for a named edge
 * ({@code X.edge.to}) — {@code to}, the downstream vertex. The gauges run on the scraping thread:
 * they read totals the event loop refreshes ({@link OutboundEdge#updateGaugeTotals} sets the
 * {@code ...Seen} fields), never its state.
 */
final class OutboundEdgeMetrics {

  final Counter sent;
  final Counter sentBytes;
  final Counter batches;
  final Counter acked;
  final Counter nacked;
  final Counter redelivered;
  final Counter detached;
  double creditSeen;
  double unackedSeen;
  double subscribersSeen;

  /** @param to the downstream vertex of a named edge, or null for the single unnamed edge (no {@code to} tag) */
  OutboundEdgeMetrics(MeterRegistry registry, String vertex, String to, OutboundQueue queue) {
    Tags tags = to == null ? Tags.of("vertex", vertex) : Tags.of("vertex", vertex, "to", to);
    Gauge.builder("flowmesh.edge.queue", queue, OutboundQueue::size).description("Messages waiting for a subscriber with credit")
        .tags(tags).register(registry);
    Gauge.builder("flowmesh.edge.subscribers", this, m -> m.subscribersSeen).description("Subscribers connected to this vertex's edge")
        .tags(tags).register(registry);
    Gauge.builder("flowmesh.edge.subscriber.credit", this, m -> m.creditSeen)
        .description("Credit the subscribers granted and this vertex has not used yet, summed").tags(tags).register(registry);
    Gauge.builder("flowmesh.edge.unacked", this, m -> m.unackedSeen).description("Messages sent and not yet acknowledged")
        .tags(tags).register(registry);
    sent = Counter.builder("flowmesh.edge.sent").description("Messages sent downstream on the edges this vertex serves")
        .tags(tags).register(registry);
    sentBytes = Counter.builder("flowmesh.edge.sent.bytes").description("Payload bytes sent downstream")
        .tags(tags).register(registry);
    batches = Counter.builder("flowmesh.edge.batches").description("Batch frames sent downstream")
        .tags(tags).register(registry);
    acked = Counter.builder("flowmesh.edge.acked").description("Messages acknowledged by downstream")
        .tags(tags).register(registry);
    nacked = Counter.builder("flowmesh.edge.nacked").description("Messages nacked by downstream (redelivered after a backoff)")
        .tags(tags).register(registry);
    redelivered = Counter.builder("flowmesh.edge.redelivered").description("Messages put back in the queue after a nack or a lost edge")
        .tags(tags).register(registry);
    detached = Counter.builder("flowmesh.edge.detached")
        .description("Messages copied out of the frame they were cut from: unacked " + OutboundEdge.DETACH_AFTER_NANOS / 1_000_000
            + " ms or more after they were sent, or queued for a subscriber over a heartbeat, their edge holding less than "
            + "half of that frame (so a late ack or a missing subscriber does not keep the whole frame alive)")
        .tags(tags).register(registry);
  }
}
