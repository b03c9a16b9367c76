package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output topic of a Kafka test with a plain {@link KafkaConsumer} (no group: it commits
 * nothing) and dedupes by the {@code flowmesh-id} header the Kafka sink writes. An id is
 * {@code <input topic>/<partition>/<offset>/<output index>}: each output record names the input
 * record it came from, so the reader knows which inputs arrived, how often, and whether the value
 * is what the map made of the input's.
 *
 * <p>{@link #catchUp()} reads what was written since the last call, so a test can look at the
 * output mid-run without reading it all again.
 */
final class KafkaOutput implements AutoCloseable {

  private static final String ID_HEADER = "flowmesh-id";
  private static final int EXAMPLES = 5;

  private final KafkaInput input;
  private final UnaryOperator<String> transform;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final BitSet[] seen;
  private long records;
  private long duplicates;
  private long distinct;
  private long wrong;
  private final List<String> wrongExamples = new ArrayList<>();

  private KafkaOutput(String bootstrap, String topic, KafkaInput input, UnaryOperator<String> transform) {
    this.input = input;
    this.transform = transform;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 << 20));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("output topic " + topic + " does not exist");
    }
    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    seen = new BitSet[input.partitions()];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = new BitSet((int) input.size(i));
    }
  }

  /**
   * Opens a reader of {@code topic} at its beginning.
   *
   * @param transform what the map does to an input value (the expected output value)
   */
  static KafkaOutput open(String bootstrap, String topic, KafkaInput input, UnaryOperator<String> transform) {
    return new KafkaOutput(bootstrap, topic, input, transform);
  }

  /** Reads every record written up to now (the end offsets as of this call). */
  KafkaOutput catchUp() {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("reading the output topic up to " + end + " took over 120 s; at " + positions());
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        take(r);
      }
    }
    return this;
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  private String positions() {
    StringBuilder b = new StringBuilder();
    partitions.forEach(tp -> b.append(tp).append('=').append(consumer.position(tp)).append(' '));
    return b.toString();
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    records++;
    Header h = r.headers().lastHeader(ID_HEADER);
    String id = h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    long[] po = id == null ? null : parse(id);
    if (po == null) {
      wrong("record " + r.topic() + "/" + r.partition() + "/" + r.offset() + " has " + ID_HEADER + " " + id
          + ", not " + input.topic() + "/<partition>/<offset>/0 of an input record");
      return;
    }
    int partition = (int) po[0];
    long offset = po[1];
    if (seen[partition].get((int) offset)) {
      duplicates++;
      return;
    }
    seen[partition].set((int) offset);
    distinct++;
    String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    String expected = transform.apply(input.valueAt(partition, offset));
    if (!expected.equals(value)) {
      wrong(id + " has value '" + value + "', expected '" + expected + "'");
    }
  }

  /** {@code <topic>/<partition>/<offset>/0} → {partition, offset}, or null when it names no input record. */
  private long[] parse(String id) {
    String prefix = input.topic() + "/";
    if (!id.startsWith(prefix) || !id.endsWith("/0")) {
      return null;
    }
    String[] parts = id.substring(prefix.length(), id.length() - 2).split("/");
    if (parts.length != 2) {
      return null;
    }
    try {
      int partition = Integer.parseInt(parts[0]);
      long offset = Long.parseLong(parts[1]);
      return partition >= 0 && partition < input.partitions() && offset >= 0 && offset < input.size(partition)
          ? new long[] {partition, offset} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void wrong(String what) {
    wrong++;
    if (wrongExamples.size() < EXAMPLES) {
      wrongExamples.add(what);
    }
  }

  /** Output records read. */
  long records() {
    return records;
  }

  /** Records whose input had arrived before. */
  long duplicates() {
    return duplicates;
  }

  /** Input records that arrived. */
  long distinct() {
    return distinct;
  }

  /** Whether the input record at {@code offset} of {@code partition} arrived. */
  boolean has(int partition, long offset) {
    return seen[partition].get((int) offset);
  }

  /** Input records of {@code partition} below {@code offset} that have not arrived. */
  long missingBelow(int partition, long offset) {
    int end = (int) Math.min(offset, input.size(partition));
    return end - seen[partition].get(0, end).cardinality();
  }

  /** The input records not arrived, with a few examples. */
  String missing() {
    long n = 0;
    List<String> examples = new ArrayList<>();
    for (int p = 0; p < seen.length; p++) {
      int size = (int) input.size(p);
      n += size - seen[p].get(0, size).cardinality();
      for (int o = seen[p].nextClearBit(0); o < size && examples.size() < EXAMPLES; o = seen[p].nextClearBit(o + 1)) {
        examples.add(input.topic() + "/" + p + "/" + o);
      }
    }
    return n + " missing, e.g. " + examples;
  }

  /** Every input record arrived, each with the value the map makes of it, and nothing else arrived. */
  void assertNothingLost() {
    assertEquals(List.of(), wrongExamples, wrong + " output records that are wrong");
    assertEquals(input.count(), distinct, "input records in the output topic: " + missing());
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
