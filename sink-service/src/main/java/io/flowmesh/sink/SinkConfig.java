package io.flowmesh.sink;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.sink.engine.SinkOptions;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sink-service's configuration, validated.
 *
 * @param type {@code log}, {@code blackhole} or {@code file}
 * @param httpPort port of the HTTP endpoints
 * @param upstream the upstream's edge addresses (one or more)
 * @param resolveInterval how often the upstream's name is resolved again
 * @param instances sink verticle instances
 * @param path the file sink's file, or null
 * @param fsync fsync each batch (file)
 * @param dedupeWindow ids remembered per instance; 0 = off
 * @param throttle messages per second per instance; 0 = off
 * @param maxBatchBytes bytes waiting behind an outstanding write before deliveries pause
 * @param retryBackoff pause after a failed write
 * @param maxFileBytes file: size at which the file is rotated; 0 = never
 * @param keepFiles file: rotated files kept
 * @param dropOnFailure drop (and count) what finally fails instead of nacking it
 * @param kafkaBootstrap the Kafka sink's brokers, or null
 * @param kafkaTopic the Kafka sink's topic, or null
 * @param kafkaMaxBytes the Kafka producer's buffer
 * @param kafkaClient any other producer property ({@code sink.kafka.client.*}), passed through as it is (printed with
 *     its secrets masked)
 */
public record SinkConfig(String type, int httpPort, List<HostPort> upstream, Duration resolveInterval, int instances, Path path,
    boolean fsync, int dedupeWindow, double throttle, long maxBatchBytes, Duration retryBackoff,
    long maxFileBytes, int keepFiles, boolean dropOnFailure, String kafkaBootstrap, String kafkaTopic, long kafkaMaxBytes,
    Map<String, String> kafkaClient) {

  /** Reads and checks every {@code sink.*} key; problems are recorded in {@code s}. */
  public static SinkConfig from(Settings s) {
    String type = s.get(SinkKeys.TYPE);
    String pathText = s.get(SinkKeys.PATH);
    Path path = null;
    if (pathText != null) {
      try {
        path = Path.of(pathText).toAbsolutePath();
        Path dir = path.getParent();
        if (pathText.isBlank()) {
          s.problem(SinkKeys.PATH, "must name a file");
        } else if (Files.isDirectory(path)) {
          s.problem(SinkKeys.PATH, "is a directory; name a file in it");
        } else if (dir != null && !Files.isDirectory(dir)) {
          s.problem(SinkKeys.PATH, "directory " + dir + " does not exist");
        }
      } catch (InvalidPathException e) {
        s.problem(SinkKeys.PATH, "is not a valid path: " + e.getMessage());
      }
    }
    if ("file".equals(type) && pathText == null) {
      s.problem(SinkKeys.TYPE, "sink.type=file needs sink.path (the NDJSON file to append to)");
    }
    Duration resolve = s.get(SinkKeys.RESOLVE_INTERVAL);
    if (resolve.toMillis() < 100) {
      s.problem(SinkKeys.RESOLVE_INTERVAL, "must be at least 100ms");
      resolve = Duration.ofSeconds(10);
    }
    long maxBatch = s.get(SinkKeys.MAX_BATCH_BYTES);
    if (maxBatch < 1024 || maxBatch > 1L << 30) {
      s.problem(SinkKeys.MAX_BATCH_BYTES, "allowed is 1KiB to 1GiB");
      maxBatch = 4 << 20;
    }
    long maxFile = s.get(SinkKeys.MAX_FILE_BYTES);
    if (maxFile != 0 && maxFile < 4096) {
      s.problem(SinkKeys.MAX_FILE_BYTES, "allowed is 0 (no rotation) or at least 4KiB");
      maxFile = 0;
    }
    String bootstrap = s.get(SinkKeys.KAFKA_BOOTSTRAP);
    String topic = s.get(SinkKeys.KAFKA_TOPIC);
    if ("kafka".equals(type) && (bootstrap == null || bootstrap.isBlank())) {
      s.problem(SinkKeys.KAFKA_BOOTSTRAP, "is required with sink.type=kafka (e.g. 127.0.0.1:9092)");
    }
    if ("kafka".equals(type) && (topic == null || topic.isBlank())) {
      s.problem(SinkKeys.KAFKA_TOPIC, "is required with sink.type=kafka");
    }
    long kafkaBytes = s.get(SinkKeys.KAFKA_MAX_BYTES);
    if (kafkaBytes < 1 << 20) {
      s.problem(SinkKeys.KAFKA_MAX_BYTES, "must be at least 1MiB");
    }
    return new SinkConfig(type, s.get(SinkKeys.HTTP_PORT), s.get(SinkKeys.UPSTREAM), resolve, s.get(SinkKeys.INSTANCES), path,
        s.get(SinkKeys.FSYNC), s.get(SinkKeys.DEDUPE_WINDOW), s.get(SinkKeys.THROTTLE), maxBatch, s.get(SinkKeys.RETRY_BACKOFF),
        maxFile, s.get(SinkKeys.KEEP_FILES), "drop".equals(s.get(SinkKeys.ON_FAILURE)), bootstrap, topic, kafkaBytes,
        s.prefixed(SinkKeys.KAFKA_CLIENT));
  }

  /** What each sink verticle instance needs. */
  public SinkOptions options(EdgeOptions edge, String vertexName) {
    return new SinkOptions(upstream, resolveInterval, edge, dedupeWindow, throttle, maxBatchBytes, retryBackoff, vertexName,
        dropOnFailure);
  }
}
