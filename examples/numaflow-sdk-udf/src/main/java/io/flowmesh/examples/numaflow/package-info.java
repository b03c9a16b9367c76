/**
 * An uppercase UDF written with Numaflow's official Java SDK ({@code numaflow-java}), unary and
 * batch, to check that UDFs built with the SDK run behind map-service unchanged.
 *
 * <p><b>Threading.</b> The SDK owns the threads: it calls a mapper from its own gRPC and actor
 * threads, so the mappers here keep no state.
 */
package io.flowmesh.examples.numaflow;
