package io.flowmesh.sink.engine;

import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.Upstreams;
import java.time.Duration;

/**
 * What one sink verticle instance needs to know.
 *
 * @param upstream the upstream vertices (one unnamed, or named ones: a join), each with its edge addresses: each a
 *     name (resolved to every address) or an address, and a port
 * @param resolveInterval how often the name is resolved again
 * @param edge edge tuning (input buffer, max unacked, ...)
 * @param dedupeWindow ids remembered to drop duplicates; 0 = off
 * @param throttle messages per second; 0 = off
 * @param maxBatchBytes while a write is outstanding, stop taking deliveries once this many bytes wait
 * @param retryBackoff after a failed write, how long to take nothing
 * @param vertexName this vertex's name ({@code vertex.name}): its edge metrics' label and the name it subscribes with
 * @param dropOnFailure messages that finally fail are dropped and counted instead of nacked
 */
public record SinkOptions(Upstreams upstream, Duration resolveInterval, EdgeOptions edge, int dedupeWindow, double throttle,
    long maxBatchBytes, Duration retryBackoff, String vertexName,
    boolean dropOnFailure) {
}
