package io.flowmesh.sink.writer;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the end of an NDJSON sink file after a restart: repairs a last line cut short by a crash,
 * and lists the ids of the last lines so a dedupe window survives the restart.
 *
 * <p>Concurrency: blocking; used on the file writer's worker thread before any write.
 */
final class FileTail {

  private static final int BLOCK = 1 << 20;

  private FileTail() {
  }

  /**
   * Truncates a partial last line (no final newline: a write cut short by a crash). It was never
   * acked, so the upstream delivers it again.
   *
   * @return how many bytes were cut
   */
  static long repair(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0 || lastByte(ch, size) == '\n') {
      return 0;
    }
    long end = size;
    ByteBuffer b = ByteBuffer.allocate(BLOCK);
    while (end > 0) {
      long start = Math.max(0, end - BLOCK);
      b.clear().limit((int) (end - start));
      ch.read(b, start);
      for (int i = b.position() - 1; i >= 0; i--) {
        if (b.get(i) == '\n') {
          long keep = start + i + 1;
          ch.truncate(keep);
          return size - keep;
        }
      }
      end = start;
    }
    ch.truncate(0);
    return size;
  }

  /** The ids of the last {@code n} complete lines, oldest first; lines that do not parse are skipped. */
  static List<String> lastIds(FileChannel ch, int n) throws IOException {
    long end = ch.size();
    ArrayDeque<String> lines = new ArrayDeque<>();
    byte[] carry = new byte[0];
    ByteBuffer b = ByteBuffer.allocate(BLOCK);
    while (end > 0 && lines.size() < n) {
      long start = Math.max(0, end - BLOCK);
      b.clear().limit((int) (end - start));
      ch.read(b, start);
      byte[] chunk = new byte[b.position() + carry.length];
      System.arraycopy(b.array(), 0, chunk, 0, b.position());
      System.arraycopy(carry, 0, chunk, b.position(), carry.length);
      int lineEnd = chunk.length;
      for (int i = chunk.length - 1; i >= 0 && lines.size() < n; i--) {
        if (chunk[i] == '\n') {
          if (lineEnd > i + 1) {
            lines.addFirst(new String(chunk, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8));
          }
          lineEnd = i;
        }
      }
      carry = java.util.Arrays.copyOf(chunk, lineEnd);
      end = start;
    }
    if (end == 0 && carry.length > 0 && lines.size() < n) {
      lines.addFirst(new String(carry, StandardCharsets.UTF_8));
    }
    List<String> ids = new ArrayList<>(lines.size());
    for (String line : lines) {
      try {
        String id = new JsonObject(line).getString("id");
        if (id != null) {
          ids.add(id);
        }
      } catch (RuntimeException e) {
        // not one of our lines: nothing to remember
      }
    }
    return ids;
  }

  private static byte lastByte(FileChannel ch, long size) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    ch.read(one, size - 1);
    return one.get(0);
  }
}
