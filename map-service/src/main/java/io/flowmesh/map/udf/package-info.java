/**
 * The map vertex's client of the user's function (UDF): a gRPC client of Numaflow's
 * {@code map.v1} protocol that keeps many elements in flight on one {@code MapFn} stream
 * (unary map) or one stream per batch (batch map), completes them out of order, retries
 * them on timeouts and UDF errors, and reconnects when the UDF goes away. The transport under
 * it (address, server-info file, channel, handshake streams, backoff, stall watch, health) is
 * the shared one in {@code io.flowmesh.runtime.udf}; the {@code map.v1} protocol is here.
 *
 * <p><b>Threading.</b> Everything here is confined to the event loop of the map verticle
 * that created the {@link io.flowmesh.map.udf.UdfClient}: no locks, atomics or
 * {@code volatile}. Public entry points of the client check the calling thread and throw
 * {@link java.lang.IllegalStateException} when called from anywhere else. The records
 * ({@link io.flowmesh.map.udf.UdfConfig},
 * {@link io.flowmesh.map.udf.UdfFailure}) are
 * immutable and may be shared freely.
 */
package io.flowmesh.map.udf;
