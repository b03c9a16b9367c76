/**
 * The console: a web page that shows a running pipeline as a graph with live numbers. One {@link
 * io.flowmesh.console.Poller} reads every vertex's {@code /status} and {@code /metrics} each
 * interval and pushes one snapshot to every browser over server-sent events.
 *
 * <p>Concurrency: the poller's state and the list of browsers are confined to the console's one
 * event loop; the pure classes ({@link io.flowmesh.runtime.service.PromText}, {@link
 * io.flowmesh.console.Rates}, {@link io.flowmesh.console.Layout}) are not thread-safe and are used
 * from it only.
 */
package io.flowmesh.console;
