package io.flowmesh.source.udsource;

import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;

/**
 * The user-defined source's settings ({@code source.udsource.*}).
 *
 * @param connection how the source UDF is reached (address, timeouts, reconnect backoff, TLS, server-info file)
 * @param maxBatch the most records one {@code ReadRequest} asks for (fewer when downstream credit allows fewer)
 * @param readTimeout the {@code timeout_in_ms} of each {@code ReadRequest}
 * @param pollInterval how often {@code IsReady}, {@code PendingFn} and {@code PartitionsFn} are called
 * @param maxDelay the watermark trails the largest event time read by this
 */
public record UdSourceConfig(UdfConnection connection, int maxBatch, Duration readTimeout, Duration pollInterval,
    Duration maxDelay) {
}
