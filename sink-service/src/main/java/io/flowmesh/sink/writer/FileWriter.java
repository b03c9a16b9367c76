package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
 * <p>With a size bound ({@code maxBytes} &gt; 0), a batch that would take the file past it first
 * rotates the file: {@code path} becomes {@code path.1}, {@code path.1} becomes {@code path.2} and
 * so on up to {@code keep} files, the oldest is deleted, and a new {@code path} is started. A batch
 * is never split, so a file exceeds the bound only when one batch alone does.
 *
 * <p>Concurrency: see {@link SinkWriter}. The channel is used (and replaced on rotation) by the one
 * worker thread only.
 */
public final class FileWriter implements SinkWriter {

  private static final Logger LOG = LoggerFactory.getLogger(FileWriter.class);

  private final Path path;
  private final boolean fsync;
  private final long maxBytes;
  private final int keep;
  private final WorkerExecutor worker;
  private FileChannel channel;

  private FileWriter(Path path, boolean fsync, long maxBytes, int keep, WorkerExecutor worker, FileChannel channel) {
    this.path = path;
    this.fsync = fsync;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.worker = worker;
    this.channel = channel;
  }

  /** Opens (creating if needed) {@code path} for appending, without a size bound. */
  public static Future<FileWriter> open(Vertx vertx, Path path, boolean fsync) {
    return open(vertx, path, fsync, 0, 0);
  }

  /**
   * Opens (creating if needed) {@code path} for appending, on the writer's worker thread.
   *
   * @param maxBytes rotate the file before a batch would take it past this size; 0 = never
   * @param keep how many rotated files ({@code path.1} ... {@code path.keep}) to keep
   */
  public static Future<FileWriter> open(Vertx vertx, Path path, boolean fsync, long maxBytes, int keep) {
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
        .map(ch -> new FileWriter(path, fsync, maxBytes, keep, worker, ch))
        .recover(e -> worker.close().transform(v -> Future.failedFuture(
            new IOException("cannot open sink.path=" + path + " for appending: " + e, e))));
  }

  @Override
  public Future<List<String>> recentIds(int n) {
    return worker.executeBlocking(() -> {
      List<String> ids;
      try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
        ids = FileTail.lastIds(r, n);
      }
      Path previous = rotated(1);
      if (ids.size() < n && keep > 0 && Files.isRegularFile(previous)) {
        // just after a rotation the ids written last are in the previous file
        List<String> all = new ArrayList<>();
        try (FileChannel r = FileChannel.open(previous, StandardOpenOption.READ)) {
          all.addAll(FileTail.lastIds(r, n - ids.size()));
        }
        all.addAll(ids);
        ids = all;
      }
      return ids;
    }, false);
  }

  /** {@code path.i}: the i-th newest rotated file. */
  private Path rotated(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  /**
   * Closes the file, shifts the rotated ones up by one (dropping the oldest), renames the file to
   * {@code path.1} and starts a new one. Whatever fails, the writer is left with an open
   * {@code path} to append to.
   */
  private void rotate() throws IOException {
    channel.close();
    try {
      if (keep == 0) {
        Files.delete(path);
      } else {
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
          if (Files.exists(rotated(i))) {
            Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    LOG.info("sink file rotated path={} maxBytes={} kept={}", path, maxBytes, keep);
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
    NdjsonFormat.encode(m, out);
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return worker.executeBlocking(() -> {
      long before = channel.size();
      if (maxBytes > 0 && before > 0 && before + out.length() > maxBytes) {
        rotate();
        before = 0;
      }
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
      } catch (IOException e) {
        throw new IOException("closing " + path + ": flushing it to disk failed: " + e.getMessage(), e);
      }
      return null;
    }, false);
    return closed.eventually(worker::close);
  }

  @Override
  public String describe() {
    return "file " + path + (fsync ? " (fsync)" : "")
        + (maxBytes > 0 ? " (rotated at " + maxBytes + " bytes, " + keep + " kept)" : "");
  }
}
