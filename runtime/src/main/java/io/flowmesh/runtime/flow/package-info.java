/**
 * Flow control shared by vertices: rate limiting (a generator's {@code source.rate}, a sink's
 * {@code sink.throttle}) and waiting, without blocking, for what a graceful stop waits for.
 *
 * <p>Threading: not thread-safe; each instance is owned by one event loop.
 */
package io.flowmesh.runtime.flow;
