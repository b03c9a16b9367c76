package io.flowmesh.sink.writer;

import io.flowmesh.proto.edge.v1.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends NDJSON lines to a file, one {@code write} per batch on a single worker thread (so the
 * writes of every sink instance are serialized and never interleave), with {@code force} after
 * each batch when fsync is on. A batch that fails is cut off again (the file is truncated to its
 * size before the batch), so the file holds whole lines only; the messages are then nacked and
 * come back.
 *
 * <p>Concurrency: see {@link SinkWriter}. The channel is used by the one worker thread only.
 */
public final class FileWriter implements SinkWriter {

  private static final Logger LOG = LoggerFactory.getLogger(FileWriter.class);

  private final Path path;
  private final boolean fsync;
  private final WorkerExecutor worker;
  private final FileChannel channel;

  private FileWriter(Path path, boolean fsync, WorkerExecutor worker, FileChannel channel) {
    this.path = path;
    this.fsync = fsync;
    this.worker = worker;
    this.channel = channel;
  }

  /** Opens (creating if needed) {@code path} for appending, on the writer's worker thread. */
  public static Future<FileWriter> open(Vertx vertx, Path path, boolean fsync) {
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("flowmesh-sink-file", 1);
    return worker.executeBlocking(() -> {
      if (Files.exists(path)) {
        try (FileChannel rw = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          long cut = FileTail.repair(rw);
          if (cut > 0) {
            LOG.warn("sink file ended in a partial line, cut it path={} bytes={} (never acked: it is delivered again)", path, cut);
          }
        }
      }
      return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }, false)
        .map(ch -> new FileWriter(path, fsync, worker, ch))
        .recover(e -> worker.close().transform(v -> Future.failedFuture(
            new IOException("cannot open sink.path=" + path + " for appending: " + e, e))));
  }

  @Override
  public Future<List<String>> recentIds(int n) {
    return worker.executeBlocking(() -> {
      try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
        return FileTail.lastIds(r, n);
      }
    }, false);
  }

  @Override
  public void encode(Message m, OutBuffer out) {
    NdjsonFormat.encode(m, out);
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return worker.executeBlocking(() -> {
      long before = channel.size();
      try {
        ByteBuffer b = ByteBuffer.wrap(out.array(), 0, out.length());
        while (b.hasRemaining()) {
          channel.write(b);
        }
        if (fsync) {
          channel.force(false);
        }
      } catch (IOException e) {
        try {
          channel.truncate(before);
        } catch (IOException t) {
          e.addSuppressed(t);
        }
        throw new IOException("writing " + out.length() + " bytes to " + path + " failed: " + e.getMessage(), e);
      }
      return null;
    }, false);
  }

  @Override
  public Future<Void> close() {
    Future<Void> closed = worker.executeBlocking(() -> {
      try (FileChannel c = channel) {
        c.force(true);
      }
      return null;
    }, false);
    return closed.eventually(worker::close);
  }

  @Override
  public String describe() {
    return "file " + path + (fsync ? " (fsync)" : "");
  }
}
