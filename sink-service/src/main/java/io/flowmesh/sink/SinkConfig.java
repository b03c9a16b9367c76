package io.flowmesh.sink;

import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.Upstreams;
import io.flowmesh.sink.engine.SinkOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The sink-service's configuration, validated.
 *
 * @param primary the primary writer ({@code sink.type}, {@code sink.path}, ...)
 * @param fallback the fallback sink ({@code sink.fallback.*}); its type is null when there is none
 * @param onSuccess the on-success sink ({@code sink.on-success.*}); its type is null when there is none
 * @param httpPort port of the HTTP endpoints
 * @param upstream the upstream's edge addresses (one or more)
 * @param resolveInterval how often the upstream's name is resolved again
 * @param instances sink verticle instances
 * @param dedupeWindow ids remembered per instance; 0 = off
 * @param throttle messages per second per instance; 0 = off
 * @param maxBatchBytes bytes waiting behind an outstanding write before deliveries pause
 * @param retryBackoff pause after a failed write
 * @param onFailure what becomes of a message that finally failed: retry, drop or fallback
 * @param retryAttempts udsink: sends of a message answered FAILURE, in all
 * @param retryInitial udsink: first delay before a resend
 * @param retryMax udsink: cap of the delay before a resend
 */
public record SinkConfig(WriterSpec primary, WriterSpec fallback, WriterSpec onSuccess, int httpPort, Upstreams upstream,
    Duration resolveInterval, int instances, int dedupeWindow, double throttle, long maxBatchBytes, Duration retryBackoff,
    String onFailure, int retryAttempts, Duration retryInitial, Duration retryMax) {

  /** Reads and checks every {@code sink.*} key; problems are recorded in {@code s}. */
  public static SinkConfig from(Settings s) {
    WriterSpec primary = WriterSpec.from(s, WriterKeys.PRIMARY);
    WriterSpec fallback = WriterSpec.from(s, WriterKeys.FALLBACK);
    WriterSpec onSuccess = WriterSpec.from(s, WriterKeys.ON_SUCCESS);
    Duration resolve = s.get(SinkKeys.RESOLVE_INTERVAL);
    long maxBatch = s.get(SinkKeys.MAX_BATCH_BYTES);
    if (maxBatch < 1024 || maxBatch > 1L << 30) {
      s.problem(SinkKeys.MAX_BATCH_BYTES, "allowed is 1KiB to 1GiB");
      maxBatch = 4 << 20;
    }
    String onFailure = s.get(SinkKeys.ON_FAILURE);
    if ("fallback".equals(onFailure) && !fallback.present()) {
      s.problem(SinkKeys.ON_FAILURE, "sink.on-failure=fallback needs a fallback sink: set sink.fallback.type (log, file, kafka or udsink)");
    }
    Duration retryInitial = s.get(SinkKeys.RETRY_INITIAL_BACKOFF);
    Duration retryMax = s.get(SinkKeys.RETRY_MAX_BACKOFF);
    if (retryInitial.compareTo(retryMax) > 0) {
      s.problem(SinkKeys.RETRY_INITIAL_BACKOFF, "is above", SinkKeys.RETRY_MAX_BACKOFF, "the first resend delay must be at most the cap");
      retryInitial = retryMax;
    }
    return new SinkConfig(primary, fallback, onSuccess, s.get(SinkKeys.HTTP_PORT),
        Upstreams.read(s, SinkKeys.UPSTREAM, SinkKeys.UPSTREAM_NAMED, SinkKeys.UPSTREAM_GONE_AFTER), resolve,
        s.get(SinkKeys.INSTANCES), s.get(SinkKeys.DEDUPE_WINDOW), s.get(SinkKeys.THROTTLE), maxBatch, s.get(SinkKeys.RETRY_BACKOFF),
        onFailure, s.get(SinkKeys.RETRY_ATTEMPTS), retryInitial, retryMax);
  }

  /** The primary's type: log, blackhole, file, kafka or udsink. */
  public String type() {
    return primary.type();
  }

  /** The primary's kafka client properties (tests). */
  public Map<String, String> kafkaClient() {
    return primary.kafkaClient();
  }

  public long maxFileBytes() {
    return primary.maxFileBytes();
  }

  public int keepFiles() {
    return primary.keepFiles();
  }

  /** What each sink verticle instance needs. */
  public SinkOptions options(EdgeOptions edge, String vertexName) {
    return new SinkOptions(upstream, resolveInterval, edge, dedupeWindow, throttle, maxBatchBytes, retryBackoff, vertexName,
        "drop".equals(onFailure));
  }
}
