/**
 * The service skeleton every vertex shares: its {@code main} (config, Vert.x, deployment, signal
 * handling), its HTTP endpoints ({@code /livez}, {@code /readyz}, {@code /metrics},
 * {@code /status}) and the keys every service reads.
 *
 * <p>Threading: {@link io.flowmesh.runtime.service.VertexMain} runs on the main thread until the
 * vertex is started; HTTP handlers run on the HTTP server's event loop and reach a vertex's state
 * only through the vertex's own asynchronous methods.
 */
package io.flowmesh.runtime.service;
