/**
 * The transport every UDF client shares (map, user-defined source and sink, source
 * transformer): where the UDF listens ({@link io.flowmesh.runtime.udf.UdfAddress}), its
 * Numaflow server-info file ({@link io.flowmesh.runtime.udf.ServerInfoReader}), the HTTP/2
 * channel with any service's {@code IsReady} ({@link io.flowmesh.runtime.udf.UdfChannel}),
 * streams that start with a handshake ({@link io.flowmesh.runtime.udf.UdfStream}), gRPC
 * framing, reconnect backoff, the stall watch, health lines for {@code /readyz}, and the
 * connection's config keys under any prefix ({@link io.flowmesh.runtime.udf.UdfKeys},
 * {@link io.flowmesh.runtime.udf.UdfConnection}). What the messages mean (map, source, sink
 * protocols) stays with each vertex.
 *
 * <p><b>Threading.</b> Channels, streams, the stall watch and the health are confined to the
 * event loop of the client that created them. The records are immutable.
 */
package io.flowmesh.runtime.udf;
