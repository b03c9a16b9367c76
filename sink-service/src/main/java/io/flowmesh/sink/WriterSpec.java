package io.flowmesh.sink;

import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.udf.UdfConnection;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One writer's configuration, read from the keys under one prefix ({@link WriterKeys}): the
 * primary sink's, the fallback sink's or the on-success sink's.
 *
 * @param role {@code primary sink}, {@code fallback sink} or {@code on-success sink}
 * @param type log, blackhole, file, kafka or udsink; null when this (non-primary) writer is not configured
 * @param path file: the NDJSON file, or null
 * @param fsync file: fsync each batch
 * @param maxFileBytes file: size at which the file is rotated; 0 = never
 * @param keepFiles file: rotated files kept
 * @param kafkaBootstrap kafka: the brokers, or null
 * @param kafkaTopic kafka: the topic, or null
 * @param kafkaMaxBytes kafka: the producer's buffer
 * @param kafkaClient kafka: any other producer property, passed through (printed with its secrets masked)
 * @param udsink udsink: the connection to the user-defined sink
 */
public record WriterSpec(String role, String type, Path path, boolean fsync, long maxFileBytes, int keepFiles, String kafkaBootstrap,
    String kafkaTopic, long kafkaMaxBytes, Map<String, String> kafkaClient, UdfConnection udsink) {

  /** Reads and checks the keys of {@code k}; problems are recorded in {@code s}. */
  public static WriterSpec from(Settings s, WriterKeys k) {
    String type = s.get(k.type);
    String pathText = s.get(k.path);
    Path path = null;
    if (pathText != null) {
      try {
        path = Path.of(pathText).toAbsolutePath();
        Path dir = path.getParent();
        if (pathText.isBlank()) {
          s.problem(k.path, "must name a file");
        } else if (Files.isDirectory(path)) {
          s.problem(k.path, "is a directory; name a file in it");
        } else if (dir != null && !Files.isDirectory(dir)) {
          s.problem(k.path, "directory " + dir + " does not exist");
        }
      } catch (InvalidPathException e) {
        s.problem(k.path, "is not a valid path: " + e.getMessage());
      }
    }
    if ("file".equals(type) && pathText == null) {
      s.problem(k.type, k.type.name() + "=file needs " + k.path.name() + " (the NDJSON file to append to)");
    }
    long maxFile = s.get(k.maxFileBytes);
    if (maxFile != 0 && maxFile < 4096) {
      s.problem(k.maxFileBytes, "allowed is 0 (no rotation) or at least 4KiB");
      maxFile = 0;
    }
    String bootstrap = s.get(k.kafkaBootstrap);
    String topic = s.get(k.kafkaTopic);
    if ("kafka".equals(type) && (bootstrap == null || bootstrap.isBlank())) {
      s.problem(k.kafkaBootstrap, "is required with " + k.type.name() + "=kafka (e.g. 127.0.0.1:9092)");
    }
    if ("kafka".equals(type) && (topic == null || topic.isBlank())) {
      s.problem(k.kafkaTopic, "is required with " + k.type.name() + "=kafka");
    }
    long kafkaBytes = s.get(k.kafkaMaxBytes);
    if (kafkaBytes < 1 << 20) {
      s.problem(k.kafkaMaxBytes, "must be at least 1MiB");
    }
    // Only a udsink's connection is checked, so the default socket of an unused one is no problem.
    UdfConnection udsink = "udsink".equals(type) ? k.udsink.read(s) : null;
    return new WriterSpec(k.role(), type, path, s.get(k.fsync), maxFile, s.get(k.keepFiles), bootstrap, topic, kafkaBytes,
        s.prefixed(k.kafkaClient), udsink);
  }

  /** True when this writer is configured (the primary always is). */
  public boolean present() {
    return type != null;
  }
}
