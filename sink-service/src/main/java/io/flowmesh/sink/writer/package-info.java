/**
 * What the sink writes to: {@link io.flowmesh.sink.writer.LogWriter} (stdout),
 * {@link io.flowmesh.sink.writer.FileWriter} (NDJSON, append) and
 * {@link io.flowmesh.sink.writer.BlackholeWriter}, and the allocation-light encoders of their
 * lines.
 *
 * <p>Threading: encoding runs on a sink verticle's event loop into that verticle's
 * {@link io.flowmesh.sink.writer.OutBuffer}; the blocking write runs on one worker thread per
 * writer, and its future completes back on the verticle's context.
 */
package io.flowmesh.sink.writer;
