package io.flowmesh.source.http;

import java.time.Duration;

/**
 * How the serving endpoints behave ({@code source.serving.*}, docs/serving.md).
 *
 * @param timeout how long a request waits for its answer by default (a request may ask for another)
 * @param maxTimeout the longest timeout a request may ask for (400 beyond); below {@code idleTimeout}
 * @param maxPending requests waiting for their answer at once (sync, async not yet answered, wait=acked); 429 beyond
 * @param retention how long an async result stays fetchable once answered
 * @param maxResults async results kept at most; the oldest answered goes first
 * @param maxResultBytes bytes of async results kept at most (their outputs serialized); the oldest answered goes first
 * @param idleTimeout {@code http.idle-timeout}: an SSE stream sends a comment every half of it so it is not cut as idle
 * @param maxListeners open SSE streams at most; 429 beyond
 */
public record ServingConfig(Duration timeout, Duration maxTimeout, int maxPending, Duration retention, int maxResults, long maxResultBytes,
    Duration idleTimeout, int maxListeners) {
}
