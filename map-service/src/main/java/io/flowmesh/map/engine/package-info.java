/**
 * The map engine: elements taken from the upstream edge, a semaphore of {@code concurrency}
 * permits into the UDF, out-of-order completion, per-key ordering, and the watermark computed
 * from a min-heap of unfinished work.
 *
 * <p>Threading: one engine per map verticle instance; all its state is confined to that
 * instance's event loop. No locks, atomics or {@code volatile}: entry points check the thread.
 */
package io.flowmesh.map.engine;
