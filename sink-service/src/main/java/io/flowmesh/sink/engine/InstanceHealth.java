package io.flowmesh.sink.engine;

/**
 * One sink instance's view for readiness.
 *
 * @param connected subscribers whose edge is open
 * @param writerError the last write failure while it has not recovered, or null
 * @param resolveError why the upstream's name does not resolve, or null
 */
public record InstanceHealth(int connected, String writerError, String resolveError) {
}
