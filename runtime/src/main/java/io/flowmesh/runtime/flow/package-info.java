/**
 * Rate limiting shared by vertices (a generator's {@code source.rate}, a sink's
 * {@code sink.throttle}).
 *
 * <p>Threading: not thread-safe; each instance is owned by one event loop.
 */
package io.flowmesh.runtime.flow;
