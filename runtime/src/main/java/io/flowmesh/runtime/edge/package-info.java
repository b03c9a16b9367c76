/**
 * The edge: one gRPC bidirectional stream between a downstream vertex instance (an
 * {@link io.flowmesh.runtime.edge.EdgeSubscriber}, which dials) and an upstream vertex instance
 * (an {@link io.flowmesh.runtime.edge.EdgeServer}, which serves), with credit-based flow control,
 * per-edge sequence numbers, batched acks and watermarks.
 *
 * <p>Threading: an {@code EdgeServer} or {@code EdgeSubscriber} belongs to the event-loop context
 * that created it; all its state is read and written there only (entry points check the thread).
 * The pure accounting classes ({@link io.flowmesh.runtime.edge.CreditBalance},
 * {@link io.flowmesh.runtime.edge.UnackedWindow}, {@link io.flowmesh.runtime.edge.OutboundQueue})
 * are not thread-safe and are owned by one of those.
 */
package io.flowmesh.runtime.edge;
