/**
 * The server behind {@link io.flowmesh.udf.UdfServer}: the verticle that listens, and per
 * {@code MapFn} call a {@link io.flowmesh.udf.impl.MapCall} that reads the requests off its HTTP/2
 * stream and writes each turn's answers as one, under a stream object that runs the handshake,
 * calls the handler and produces the answers. {@code IsReady} goes through Vert.x's gRPC server.
 *
 * <p><b>Threading.</b> Everything here runs on the verticle's event loop; a stream's fields are
 * touched only from the thread that opened it, so they are plain fields. Handler futures that
 * complete elsewhere are brought back with {@code runOnContext}. Blocking file work goes through
 * Vert.x's file system API.
 */
package io.flowmesh.udf.impl;
