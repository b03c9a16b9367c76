/**
 * The sink-service: its {@code main}, its configuration ({@code sink.*} keys, validated into
 * {@link io.flowmesh.sink.SinkConfig}) and the {@link io.flowmesh.sink.SinkVertex} its HTTP
 * endpoints talk to.
 *
 * <p>Threading: configuration is built once on the main thread; the vertex's methods may be called
 * from any thread and hop onto the sink instances' event loops.
 */
package io.flowmesh.sink;
