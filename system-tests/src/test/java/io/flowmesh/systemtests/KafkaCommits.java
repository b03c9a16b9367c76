package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.kafka.broker.Topics;
import io.flowmesh.source.kafka.OffsetRuns;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a consumer group committed on the input topic, per partition: the offset and the done runs
 * above it that the Kafka source carries in the commit metadata ({@link OffsetRuns}, decoded by
 * the source's own code: the format is the source's).
 */
final class KafkaCommits {

  /** One partition's commit: everything below {@code offset} and in {@code doneRuns} ({@code [first, last]...}) was done. */
  record Commit(long offset, long[] doneRuns) {

    /** Offsets above the commit point the metadata names done. */
    long done() {
      long n = 0;
      for (int i = 0; i < doneRuns.length; i += 2) {
        n += doneRuns[i + 1] - doneRuns[i] + 1;
      }
      return n;
    }

    /** The highest offset named done, or {@code offset - 1} when none is. */
    long lastDone() {
      return doneRuns.length == 0 ? offset - 1 : doneRuns[doneRuns.length - 1];
    }
  }

  private final Map<Integer, Commit> byPartition;

  private KafkaCommits(Map<Integer, Commit> byPartition) {
    this.byPartition = byPartition;
  }

  /** What {@code group} has committed on {@code input}'s topic now. */
  static KafkaCommits read(Topics admin, String group, KafkaInput input) {
    Map<Integer, Commit> out = new TreeMap<>();
    try {
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.committed(group).entrySet()) {
        if (e.getKey().topic().equals(input.topic()) && e.getValue() != null) {
          long offset = e.getValue().offset();
          out.put(e.getKey().partition(), new Commit(offset, OffsetRuns.decode(offset, e.getValue().metadata())));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets committed by group " + group + ": " + e, e);
    }
    return new KafkaCommits(out);
  }

  Commit get(int partition) {
    return byPartition.getOrDefault(partition, new Commit(0, new long[0]));
  }

  /** The committed offsets summed: how far the group got. */
  long total() {
    return byPartition.values().stream().mapToLong(Commit::offset).sum();
  }

  /** Whether every partition of {@code input} is committed at its end. */
  boolean atEnd(KafkaInput input) {
    for (int p = 0; p < input.partitions(); p++) {
      if (get(p).offset() != input.size(p)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every record the commits say was done — below a committed offset, or in the metadata's runs —
   * is in the output (read it after reading these commits): the source never committed past a
   * record that was not written.
   */
  void assertDoneIsWritten(KafkaOutput output, KafkaInput input, String when) {
    for (int p = 0; p < input.partitions(); p++) {
      Commit c = get(p);
      assertEquals(0, output.missingBelow(p, c.offset()), "records of partition " + p + " below its committed offset " + c.offset()
          + " missing from the output " + when);
      long[] runs = c.doneRuns();
      for (int i = 0; i < runs.length; i += 2) {
        for (long o = runs[i]; o <= runs[i + 1]; o++) {
          if (!output.has(p, o)) {
            throw new AssertionError("record " + input.topic() + "/" + p + "/" + o + " is named done in the commit metadata (run "
                + runs[i] + ".." + runs[i + 1] + " above " + c.offset() + ") but is not in the output " + when);
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    byPartition.forEach((p, c) -> b.append(p).append('@').append(c.offset()).append("+").append(c.done()).append(" done above; "));
    return b.toString();
  }
}
