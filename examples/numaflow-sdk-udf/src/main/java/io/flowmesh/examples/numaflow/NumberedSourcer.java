package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sourcer.AckRequest;
import io.numaproj.numaflow.sourcer.Message;
import io.numaproj.numaflow.sourcer.Offset;
import io.numaproj.numaflow.sourcer.OutputObserver;
import io.numaproj.numaflow.sourcer.ReadRequest;
import io.numaproj.numaflow.sourcer.Sourcer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A user-defined source on Numaflow's official Java SDK: records {@code record-0} ..
 * {@code record-<N-1>}, record i in partition {@code i % 2} at offset {@code i / 2} (8 bytes,
 * big-endian), key {@code k<i % 10>}.
 *
 * <p>As the SDK contract asks, a record read and not acked is delivered again after a restart:
 * what was acked is kept in a state file (per partition, the acked prefix and the acked offsets
 * above it, plus the total), rewritten atomically on every ack, so a restarted source (even after
 * {@code kill -9}) reads again exactly what was not acked. Within one process a record is read
 * once. Acks are idempotent: an offset acked twice counts once.
 *
 * <p>Concurrency: the SDK calls {@link #read} and {@link #ack} from its gRPC threads; every
 * method is synchronized.
 */
final class NumberedSourcer extends Sourcer {

  static final int PARTITIONS = 2;

  private final long total;
  private final Path state;
  /** Per partition: the acked prefix (every offset below it is acked). */
  private final long[] ackedBelow = new long[PARTITIONS];
  /** Per partition: acked offsets at or above {@link #ackedBelow}. */
  private final List<TreeSet<Long>> ackedAbove = List.of(new TreeSet<>(), new TreeSet<>());
  /** Per partition: the next offset to read in this process. */
  private final long[] next = new long[PARTITIONS];
  private int turn;

  NumberedSourcer(long total, Path state) {
    this.total = total;
    this.state = state;
    load();
    for (int p = 0; p < PARTITIONS; p++) {
      next[p] = ackedBelow[p];
    }
  }

  /** Records in partition {@code p}: i with i % 2 == p. */
  private long size(int p) {
    return (total - p + PARTITIONS - 1) / PARTITIONS;
  }

  @Override
  public synchronized void read(ReadRequest request, OutputObserver observer) {
    long n = request.getCount();
    long now = System.currentTimeMillis();
    for (long sent = 0; sent < n; ) {
      int p = -1;
      for (int k = 0; k < PARTITIONS && p < 0; k++) {
        int c = (turn + k) % PARTITIONS;
        skipAcked(c);
        if (next[c] < size(c)) {
          p = c;
        }
      }
      if (p < 0) {
        return; // nothing left to read now: the SDK ends the batch with status{eot}
      }
      turn = p + 1;
      long offset = next[p]++;
      long i = offset * PARTITIONS + p;
      observer.send(new Message(("record-" + i).getBytes(StandardCharsets.UTF_8),
          new Offset(ByteBuffer.allocate(8).putLong(offset).array(), p), Instant.ofEpochMilli(now),
          new String[] {"k" + (i % 10)}, Map.of("n", Long.toString(i))));
      sent++;
    }
  }

  private void skipAcked(int p) {
    while (next[p] < size(p) && ackedAbove.get(p).contains(next[p])) {
      next[p]++;
    }
  }

  @Override
  public synchronized void ack(AckRequest request) {
    for (Offset o : request.getOffsets()) {
      int p = o.getPartitionId();
      long offset = ByteBuffer.wrap(o.getValue()).getLong();
      if (p < 0 || p >= PARTITIONS || offset < ackedBelow[p]) {
        continue; // already acked (an ack sent again after a reconnect)
      }
      TreeSet<Long> above = ackedAbove.get(p);
      above.add(offset);
      while (above.remove(ackedBelow[p])) {
        ackedBelow[p]++;
      }
    }
    save();
  }

  @Override
  public synchronized long getPending() {
    long left = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      left += size(p) - next[p];
    }
    return left;
  }

  @Override
  public List<Integer> getPartitions() {
    return List.of(0, 1);
  }

  /** Distinct offsets acked, over every run with this state file. */
  synchronized long acked() {
    long n = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      n += ackedBelow[p] + ackedAbove.get(p).size();
    }
    return n;
  }

  private void load() {
    if (state == null || !Files.exists(state)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].startsWith("p")) {
          int p = Integer.parseInt(f[0].substring(1));
          ackedBelow[p] = Long.parseLong(f[1]);
          for (int k = 2; k < f.length; k++) {
            ackedAbove.get(p).add(Long.parseLong(f[k]));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("state file " + state + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** "acked N" then "p<partition> <acked prefix> <acked offsets above it>...", written to a temp file and renamed. */
  private void save() {
    if (state == null) {
      return;
    }
    StringBuilder b = new StringBuilder("acked ").append(acked()).append(" of ").append(total).append('\n');
    for (int p = 0; p < PARTITIONS; p++) {
      b.append('p').append(p).append(' ').append(ackedBelow[p]);
      for (long o : ackedAbove.get(p)) {
        b.append(' ').append(o);
      }
      b.append('\n');
    }
    try {
      Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write state file " + state, e);
    }
  }
}
