/**
 * The sink's engine: per verticle instance, the subscriptions to every address of the upstream,
 * the intake (demand, throttle, holds), batching one event-loop turn into one write, acking after
 * the write, and the dedupe window.
 *
 * <p>Threading: each {@link io.flowmesh.sink.engine.SinkVerticle}'s state is confined to its own
 * event loop; other threads reach it through its asynchronous methods. The shared
 * {@link io.flowmesh.sink.engine.SinkMetrics} is thread-safe.
 */
package io.flowmesh.sink.engine;
