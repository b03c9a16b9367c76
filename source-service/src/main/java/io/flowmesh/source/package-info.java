/**
 * The source-service: its {@code main}, its configuration ({@code source.*} keys, validated into
 * {@link io.flowmesh.source.SourceConfig}) and the {@link io.flowmesh.source.SourceVertex} its
 * HTTP endpoints talk to.
 *
 * <p>Threading: configuration is built once on the main thread; the vertex's methods may be called
 * from any thread and hop onto the source's event loop.
 */
package io.flowmesh.source;
