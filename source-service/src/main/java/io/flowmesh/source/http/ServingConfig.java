package io.flowmesh.source.http;

import java.time.Duration;

/**
 * How the serving endpoints behave ({@code source.serving.*}, docs/serving.md).
 *
 * @param timeout how long a request waits for its answer by default (a request may ask for another)
 * @param maxPending requests waiting for their answer at once (sync, async not yet answered, wait=acked); 429 beyond
 * @param retention how long an async result stays fetchable once answered
 * @param maxResults async results kept at most; the oldest answered goes first
 */
public record ServingConfig(Duration timeout, int maxPending, Duration retention, int maxResults) {
}
