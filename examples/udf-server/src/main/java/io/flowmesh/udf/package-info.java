/**
 * A small library for writing map UDFs in Java: implement {@link io.flowmesh.udf.MapHandler},
 * call {@link io.flowmesh.udf.UdfMain#run} from {@code main}, and the function is served over
 * the map UDF protocol (Numaflow's {@code map.v1}) on TCP or a Unix socket.
 *
 * <p><b>Threading.</b> A {@link io.flowmesh.udf.UdfServer} runs on one Vert.x event loop. Every
 * {@link io.flowmesh.udf.MapHandler} call is made on that event loop, so a handler may keep
 * plain fields, and must never block. The future a handler returns may be completed from any
 * thread: the server hops back to its event loop before it writes the answer.
 */
package io.flowmesh.udf;
