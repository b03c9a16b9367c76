package io.flowmesh.source.http;

import java.time.Duration;

/**
 * How {@code POST /ingest} behaves.
 *
 * @param maxBodyBytes largest request body (413 above)
 * @param token the bearer token required, or null for none
 * @param maxHeldBytes payload bytes accepted and not yet acked beyond which requests get 429
 * @param maxDelay the watermark trails the largest event time seen by this much
 * @param retryAfter the Retry-After of a 429
 * @param stallTimeout a buffer full this long without an ack makes the source not ready
 * @param requestTimeout a request whose body has not fully arrived this long after its headers gets 408
 * @param serving the serving endpoints' timeout and bounds
 */
public record IngestConfig(long maxBodyBytes, String token, long maxHeldBytes, Duration maxDelay, Duration retryAfter,
    Duration stallTimeout, Duration requestTimeout, ServingConfig serving) {

  /** Retry-After in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  @Override
  public String toString() {
    return "IngestConfig[maxBodyBytes=" + maxBodyBytes + ", token=" + (token == null ? "unset" : "***") + ", maxHeldBytes="
        + maxHeldBytes + ", maxDelay=" + maxDelay + ", retryAfter=" + retryAfter + ", stallTimeout=" + stallTimeout
        + ", requestTimeout=" + requestTimeout + ", serving=" + serving + "]";
  }
}
