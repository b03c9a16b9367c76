package io.flowmesh.source.kafka;

/**
 * One partition's records between the committed offset and the newest one read: which are done
 * (acked end to end, or skipped because an earlier run's commit metadata said they were done)
 * and which are not. Acks come in any order; the offset safe to commit is always the lowest one
 * not done, and the done offsets above it travel in the commit metadata ({@link OffsetRuns}).
 *
 * <p>Records are kept in a ring in offset order (offsets ascend but may have gaps, e.g. after
 * compaction); an ack finds its record by binary search and done records leave from the front.
 *
 * <p>Concurrency: not thread-safe; owned by the source's event loop.
 */
final class PartitionTracker {

  private long[] offsets = new long[64];
  private boolean[] done = new boolean[64];
  private int head;
  private int size;
  private int pending;
  private long next;

  /** @param position the offset the consumer reads next (the committed offset, or the reset position) */
  PartitionTracker(long position) {
    this.next = position;
  }

  /** A record was read; {@code skipped}: it is already done (skip it, do not send it). */
  void read(long offset, boolean skipped) {
    if (offset < next) {
      throw new IllegalStateException("offset " + offset + " read after " + (next - 1) + ": offsets must ascend");
    }
    next = offset + 1;
    if (skipped && size == 0) {
      return; // nothing before it is outstanding: the commit point simply moves past it
    }
    if (size == offsets.length) {
      grow();
    }
    int i = (head + size) % offsets.length;
    offsets[i] = offset;
    done[i] = skipped;
    size++;
    if (!skipped) {
      pending++;
    }
  }

  /** Marks {@code offset} done; false when it is not outstanding here (already done, or before the commit point). */
  boolean ack(long offset) {
    int i = find(offset);
    if (i < 0 || done[i]) {
      return false;
    }
    done[i] = true;
    pending--;
    while (size > 0 && done[head]) {
      head = (head + 1) % offsets.length;
      size--;
    }
    return true;
  }

  /** The offset to commit: the lowest not done, or the next to read when everything read is done. */
  long commitOffset() {
    return size == 0 ? next : offsets[head];
  }

  /** Records read and not done yet. */
  int pending() {
    return pending;
  }

  /** The offset the consumer reads next. */
  long next() {
    return next;
  }

  /**
   * The done offsets above {@link #commitOffset()} as commit metadata of at most {@code maxChars}
   * characters; {@code whole[0]} says whether every run fitted.
   */
  String metadata(int maxChars, boolean[] whole) {
    OffsetRuns.Writer w = new OffsetRuns.Writer(commitOffset(), maxChars);
    long first = -1;
    long last = -1;
    for (int k = 0; k < size; k++) {
      int i = (head + k) % offsets.length;
      if (done[i]) {
        if (first < 0) {
          first = offsets[i];
        }
        last = offsets[i];
      } else if (first >= 0) {
        if (!w.add(first, last)) {
          break;
        }
        first = -1;
      }
    }
    if (first >= 0) {
      w.add(first, last);
    }
    whole[0] = !w.truncated();
    return w.encode();
  }

  private int find(long offset) {
    if (size == 0 || offset < offsets[head]) {
      return -1;
    }
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = offsets[(head + mid) % offsets.length];
      if (v < offset) {
        lo = mid + 1;
      } else if (v > offset) {
        hi = mid - 1;
      } else {
        return (head + mid) % offsets.length;
      }
    }
    return -1;
  }

  private void grow() {
    int n = offsets.length * 2;
    long[] o = new long[n];
    boolean[] d = new boolean[n];
    for (int k = 0; k < size; k++) {
      int i = (head + k) % offsets.length;
      o[k] = offsets[i];
      d[k] = done[i];
    }
    offsets = o;
    done = d;
    head = 0;
  }

  @Override
  public String toString() {
    return "PartitionTracker[commit=" + commitOffset() + " next=" + next + " pending=" + pending + " held=" + size + "]";
  }
}
