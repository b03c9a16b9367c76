/**
 * Benchmark drivers, started as separate JVMs by {@code scripts/bench*.sh}; not part of any service.
 *
 * <p>Threading: each driver's edge lives on one event loop, as in the services.
 */
package io.flowmesh.bench;
