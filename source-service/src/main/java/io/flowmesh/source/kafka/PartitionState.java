package io.flowmesh.source.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.source.engine.EventTimeWatermark;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * What the Kafka source holds for one assigned partition: records read and not yet offered to the
 * edge, the {@link PartitionTracker}, the runs an earlier commit said were done, its watermark and
 * whether it is paused; it makes its records' messages. The edge hands it back with every ack (it
 * is the message's attachment).
 *
 * <p>Concurrency: owned by the source's event loop.
 */
final class PartitionState {

  final TopicPartition tp;
  /** {@code <topic>/<partition>/}: a message id is this and the offset. */
  final String idPrefix;
  /** The prefix's bytes and room for an offset, where ids are made; null if the prefix were not ASCII (topic names are). */
  private final byte[] idBytes;
  final PartitionTracker tracker;
  final ArrayDeque<ConsumerRecord<byte[], byte[]>> unsent = new ArrayDeque<>();
  final EventTimeWatermark watermark;
  private final long[] doneRuns;
  private int run;
  boolean paused;
  /** Which assignment of the partition this is ({@link KafkaPoller#pause}). */
  int epoch;
  /** Paused because the commit metadata would not fit. */
  boolean metadataFull;
  /** Revoked or lost: acks for it are ignored, nothing more is offered. */
  boolean gone;
  long lag = -1;
  long committedOffset = -1;
  String committedMetadata = "";
  long read;
  long skipped;
  /** Records read and dropped unsent (on a revoke or stop): not done, never acked, not in flight. */
  private int dropped;

  PartitionState(TopicPartition tp, long position, long[] doneRuns, long maxDelayMillis, long idleNanos) {
    this.tp = tp;
    this.idPrefix = tp.topic() + "/" + tp.partition() + "/";
    this.idBytes = idPrefix.chars().allMatch(c -> c < 128)
        ? Arrays.copyOf(idPrefix.getBytes(StandardCharsets.ISO_8859_1), idPrefix.length() + 20) : null;
    this.tracker = new PartitionTracker(position);
    this.doneRuns = doneRuns;
    this.watermark = new EventTimeWatermark(maxDelayMillis, idleNanos, System.nanoTime());
  }

  /** Takes in what the consumer read: records an earlier run finished are skipped, the rest wait to be offered. */
  void read(List<ConsumerRecord<byte[], byte[]>> records, long nowMillis, long nowNanos) {
    for (int i = 0, n = records.size(); i < n; i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      long offset = r.offset();
      if (offset < tracker.next()) {
        continue; // read again after a seek we did not ask for: already held
      }
      boolean skip = wasDone(offset);
      tracker.read(offset, skip);
      if (skip) {
        skipped++;
      } else {
        unsent.add(r);
        read++;
        watermark.seen(r.timestamp(), nowMillis, nowNanos);
      }
    }
  }

  /** Records sent to the edge and not yet acked (read, not done, not waiting here, not dropped). */
  int inFlight() {
    return tracker.pending() - unsent.size() - dropped;
  }

  /** Drops the records not sent yet: they stay not done (so uncommitted), and no ack is awaited for them. */
  void dropUnsent() {
    dropped += unsent.size();
    unsent.clear();
  }

  private boolean wasDone(long offset) {
    while (run < doneRuns.length && doneRuns[run + 1] < offset) {
      run += 2;
    }
    return run < doneRuns.length && doneRuns[run] <= offset;
  }

  /**
   * The message of record {@code r} of this partition: id {@link #id}, the key, the headers (UTF-8),
   * the record timestamp as event time ({@code now} when it has none) and {@code now} as ingest time.
   */
  EdgeMessage message(ConsumerRecord<byte[], byte[]> r, long now) {
    EdgeMessageBuilder b = EdgeMessage.newBuilder().setId(id(r.offset()))
        .setEventTime(r.timestamp() >= 0 ? r.timestamp() : now).setIngestTime(now);
    if (r.value() != null) {
      b.setValue(UnsafeByteOperations.unsafeWrap(r.value())); // the deserializer made this array for us alone
    }
    if (r.key() != null) {
      addKey(b, r.key());
    }
    for (Header h : r.headers()) {
      b.addHeaders(MessageHeaders.header(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
    }
    return b.build();
  }

  /**
   * The key's bytes go to the message as they are when they are UTF-8 (no String made here and
   * encoded again on the edge); other bytes are decoded with replacement characters.
   */
  static void addKey(EdgeMessageBuilder b, byte[] key) {
    ByteString k = UnsafeByteOperations.unsafeWrap(key); // the deserializer made this array for us alone
    if (k.isValidUtf8()) {
      b.addKeysBytes(k);
    } else {
      b.addKeys(new String(key, StandardCharsets.UTF_8));
    }
  }

  /** The message id of the record at {@code offset}: {@link #idPrefix} and the offset in decimal, made as one String. */
  String id(long offset) {
    if (offset < 0 || idBytes == null) {
      return idPrefix.concat(Long.toString(offset));
    }
    int p = idPrefix.length();
    int end = p + digits(offset);
    long v = offset;
    for (int i = end - 1; i >= p; i--) {
      idBytes[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    return new String(idBytes, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static int digits(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  /** The offset in a message id this partition made. */
  static long offsetOf(String id) {
    long v = 0;
    long scale = 1;
    for (int i = id.length() - 1; i >= 0; i--) {
      char c = id.charAt(i);
      if (c == '/') {
        return v;
      }
      v += (c - '0') * scale;
      scale *= 10;
    }
    throw new IllegalArgumentException("not a Kafka message id: " + id);
  }
}
