package io.flowmesh.bench.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The at-least-once consume-then-produce loop with {@code kafka-clients} alone: poll a batch, produce each
 * record (key, value, headers, timestamp) to the output topic, wait until the broker acknowledged the whole
 * batch ({@code flush}), then commit the batch's offsets asynchronously and poll again.
 *
 * <p>Concurrency: {@link #run()} owns the consumer on the calling thread; {@link #stop()} may be called
 * from any thread (it wakes the consumer up). The producer's callbacks run on its I/O thread.
 */
final class PlainKafkaLoop {

  private static final Duration POLL = Duration.ofMillis(100);

  private final String input;
  private final String output;
  private final LoopStats stats;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Callback onSent = (meta, e) -> failed(e);
  private final OffsetCommitCallback onCommitted;
  private volatile boolean running = true;
  private volatile Exception sendFailure;

  PlainKafkaLoop(String bootstrap, String group, String input, String output, LoopStats stats) {
    this.input = input;
    this.output = output;
    this.stats = stats;
    this.onCommitted = (offsets, e) -> {
      if (e != null) {
        stats.commitFailures.incrementAndGet();
      }
    };
    this.consumer = new KafkaConsumer<>(KafkaSettings.objects(KafkaSettings.consumer(bootstrap, group)),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(KafkaSettings.objects(KafkaSettings.producer(bootstrap)),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Runs until {@link #stop()}; throws when a record could not be produced. */
  void run() {
    consumer.subscribe(List.of(input));
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
          stats.emptyPolls.incrementAndGet();
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(new ProducerRecord<>(output, null, r.timestamp(), r.key(), r.value(), r.headers()), onSent);
        }
        producer.flush(); // every record of the batch acknowledged by the broker, or failed
        Exception e = sendFailure;
        if (e != null) {
          throw new IllegalStateException("producing to topic " + output + " failed: " + e, e);
        }
        offsets.clear();
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> part = records.records(tp);
          offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        consumer.commitAsync(Map.copyOf(offsets), onCommitted);
        stats.messages.addAndGet(records.count());
        stats.batches.incrementAndGet();
      }
    } catch (WakeupException e) {
      // stop() woke the consumer up
    } finally {
      producer.close(Duration.ofSeconds(10));
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }

  private void failed(Exception e) {
    if (e != null && sendFailure == null) {
      sendFailure = e;
    }
  }
}
