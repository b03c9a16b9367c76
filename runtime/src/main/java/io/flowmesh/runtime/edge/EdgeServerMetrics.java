package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The upstream side's meters shared by its outbound edges (each edge has its own,
 * {@link OutboundEdgeMetrics}): the queue bound, protocol violations, and — with named edges — the
 * messages no edge's condition took.
 */
final class EdgeServerMetrics {

  final Counter violations;
  /** Null for the single unnamed edge, where every message goes. */
  final Counter dropped;

  EdgeServerMetrics(MeterRegistry registry, String vertex, int queueCapacity, boolean namedEdges) {
    Gauge.builder("flowmesh.edge.queue.capacity", () -> queueCapacity)
        .description("Capacity of the upstream queue (with several outbound edges: messages queued on any of them)")
        .tag("vertex", vertex).register(registry);
    violations = Counter.builder("flowmesh.edge.protocol.violations").description("Edges failed because the peer broke the edge protocol")
        .tag("vertex", vertex).tag("side", "upstream").register(registry);
    dropped = !namedEdges ? null : Counter.builder("flowmesh.edge.dropped")
        .description("Messages no outbound edge's tag condition took: dropped and acked as done")
        .tag("vertex", vertex).tag("reason", "no-edge-matched").register(registry);
  }
}
