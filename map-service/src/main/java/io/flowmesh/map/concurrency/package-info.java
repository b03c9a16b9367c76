/**
 * {@code map.concurrency=auto}: a limit on the elements in the UDF at once that follows the UDF's
 * latency, its throughput and its errors, per map instance ({@link AdaptiveLimit}, with its
 * {@link ThroughputGuard}), and the settings that bound it.
 *
 * <p>Threading: one limiter per map instance, confined to that instance's event loop, like the
 * engine it steers. No locks or atomics; state is primitive fields and one reused array.
 */
package io.flowmesh.map.concurrency;
