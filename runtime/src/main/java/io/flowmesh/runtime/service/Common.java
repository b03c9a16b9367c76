package io.flowmesh.runtime.service;

import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.edge.EdgeOptions;
import java.time.Duration;

/**
 * The settings every service shares, parsed.
 *
 * @param host address the servers bind to
 * @param eventLoops Vert.x event-loop threads
 * @param nativeTransport prefer epoll
 * @param shutdownTimeout graceful-stop budget
 * @param logLevel Flowmesh's log level
 * @param edge edge tuning
 * @param httpIdleTimeout idle HTTP connections are closed after this long
 * @param vertexName this vertex's name ({@code vertex.name}): metric label, /status, logs, edge hello
 * @param orphanTimeout how long an edge may have no subscriber before its vertex gives its inputs back
 */
public record Common(String host, int eventLoops, boolean nativeTransport, Duration shutdownTimeout, String logLevel,
    EdgeOptions edge, Duration httpIdleTimeout, String vertexName, Duration orphanTimeout) {

  /** The common settings of a service of kind {@code kind} (source, map, sink). */
  public static Common from(Settings s, String kind) {
    int loops = s.get(CommonKeys.EVENT_LOOPS);
    return new Common(s.get(CommonKeys.BIND_HOST), loops > 0 ? loops : Runtime.getRuntime().availableProcessors(),
        s.get(CommonKeys.NATIVE_TRANSPORT),
        s.get(CommonKeys.SHUTDOWN_TIMEOUT), s.get(CommonKeys.LOG_LEVEL), CommonKeys.edgeOptions(s),
        s.get(CommonKeys.HTTP_IDLE_TIMEOUT), s.get(CommonKeys.vertexName(kind)), s.get(CommonKeys.EDGE_ORPHAN_TIMEOUT));
  }
}
