/**
 * The server behind {@link io.flowmesh.udf.UdfServer}: the verticle that listens, and one
 * stream object per {@code MapFn} call that runs the handshake, calls the handler and writes
 * the answers.
 *
 * <p><b>Threading.</b> Everything here runs on the verticle's event loop; a stream's fields are
 * touched only from the thread that opened it, so they are plain fields. Handler futures that
 * complete elsewhere are brought back with {@code runOnContext}. Blocking file work goes through
 * Vert.x's file system API.
 */
package io.flowmesh.udf.impl;
