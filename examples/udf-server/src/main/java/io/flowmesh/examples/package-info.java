/**
 * Example UDFs built on {@link io.flowmesh.udf}: {@code cat}, {@code uppercase}, {@code flatmap},
 * {@code filter}, {@code latency}, and {@code faulty} for testing the map vertex; and
 * {@link io.flowmesh.examples.Main}, which runs any of them from the one shaded jar.
 *
 * <p><b>Threading.</b> Each handler is called on its server's event loop and keeps its state in
 * plain fields; none blocks (the latency example answers from a timer).
 */
package io.flowmesh.examples;
