package io.flowmesh.source.kafka;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The offsets completed above a partition's committed offset, as Kafka commit metadata: a list
 * of runs {@code [first, last]}, written as varint pairs (gap from the previous run's end, run
 * length) relative to the committed offset, base64url-encoded behind the marker {@code fm1:}.
 *
 * <p>A restarted source reads them back with the committed offset and skips those records, so
 * out-of-order completion costs no more duplicates after a restart than the records that were
 * really unfinished. Metadata that is not ours (another consumer's) decodes to no runs.
 */
public final class OffsetRuns {

  static final String MARKER = "fm1:";

  private OffsetRuns() {
  }

  /** Accumulates runs in ascending order, then encodes what fits. */
  public static final class Writer {
    private final long base;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    private final int maxChars;
    private long prevEnd;
    private int runs;
    private boolean truncated;

    /** @param base the committed offset; every run starts above it */
    public Writer(long base, int maxChars) {
      this.base = base;
      this.prevEnd = base;
      this.maxChars = maxChars;
    }

    /**
     * Adds the run {@code [first, last]}; false (and the run is left out) when the encoding would
     * be over {@code maxChars}: then every later run is left out too.
     */
    public boolean add(long first, long last) {
      if (truncated) {
        return false;
      }
      if (first <= prevEnd || last < first) {
        throw new IllegalArgumentException("runs must ascend above " + base + ": [" + first + ", " + last + "] after " + prevEnd);
      }
      int before = out.size();
      varint(first - prevEnd);
      varint(last - first + 1);
      if (encodedLength(out.size()) > maxChars) {
        truncate(before);
        truncated = true;
        return false;
      }
      prevEnd = last;
      runs++;
      return true;
    }

    /** Whether some run was left out for want of room. */
    public boolean truncated() {
      return truncated;
    }

    /** The metadata text: empty when there are no runs. */
    public String encode() {
      return runs == 0 ? "" : MARKER + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    private void truncate(int size) {
      byte[] keep = out.toByteArray();
      out.reset();
      out.write(keep, 0, size);
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    private static int encodedLength(int bytes) {
      return MARKER.length() + (bytes * 4 + 2) / 3;
    }
  }

  /**
   * The runs in {@code metadata} above {@code base}, as {@code [first0, last0, first1, last1, …]};
   * empty for metadata that is not ours or is damaged (then nothing is skipped: safe, not lossy).
   */
  public static long[] decode(long base, String metadata) {
    if (metadata == null || !metadata.startsWith(MARKER)) {
      return new long[0];
    }
    byte[] b;
    try {
      b = Base64.getUrlDecoder().decode(metadata.substring(MARKER.length()));
    } catch (IllegalArgumentException e) {
      return new long[0];
    }
    List<Long> out = new ArrayList<>();
    int[] pos = {0};
    long prevEnd = base;
    while (pos[0] < b.length) {
      long gap = readVarint(b, pos);
      long len = readVarint(b, pos);
      if (gap < 1 || len < 1) {
        return new long[0];
      }
      long first = prevEnd + gap;
      long last = first + len - 1;
      out.add(first);
      out.add(last);
      prevEnd = last;
    }
    long[] runs = new long[out.size()];
    for (int i = 0; i < runs.length; i++) {
      runs[i] = out.get(i);
    }
    return runs;
  }

  /** -1 when the bytes end inside a varint or it is over 63 bits. */
  private static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos[0] >= b.length) {
        return -1;
      }
      int x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    return -1;
  }
}
