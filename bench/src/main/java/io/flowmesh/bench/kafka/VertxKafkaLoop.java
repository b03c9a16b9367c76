package io.flowmesh.bench.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The same loop as {@link PlainKafkaLoop} through {@code io.vertx:vertx-kafka-client}'s
 * {@link KafkaConsumer} and {@link KafkaProducer}: {@code poll} a batch, {@code send} each record, when
 * every send's future succeeded {@code commit} the batch's offsets (not waited for) and poll again.
 *
 * <p>Concurrency: the {@code kafka-clients} consumer and producer are built by the caller (their
 * constructors block: under load, building them on the event loop blocked it for 2.5 s), then wrapped and
 * run on one Vert.x context; the client runs the consumer on its own worker thread and each {@code send}
 * on the producer's, and completes the futures on that context.
 */
final class VertxKafkaLoop {

  private static final Duration POLL = Duration.ofMillis(100);

  private final String input;
  private final String output;
  private final LoopStats stats;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Promise<Void> ended = Promise.promise();
  private volatile boolean running = true;

  /** Call on the loop's context, with the clients from {@link #consumer} and {@link #producer}. */
  VertxKafkaLoop(Vertx vertx, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer, String input, String output, LoopStats stats) {
    this.input = input;
    this.output = output;
    this.stats = stats;
    this.consumer = KafkaConsumer.create(vertx, consumer);
    this.producer = KafkaProducer.create(vertx, producer);
  }

  /** The consumer to wrap (blocks while it is built): the source's settings. */
  static org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer(String bootstrap, String group) {
    return new org.apache.kafka.clients.consumer.KafkaConsumer<>(KafkaSettings.objects(KafkaSettings.consumer(bootstrap, group)),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The producer to wrap (blocks while it is built): the sink's settings. */
  static org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer(String bootstrap) {
    return new org.apache.kafka.clients.producer.KafkaProducer<>(KafkaSettings.objects(KafkaSettings.producer(bootstrap)),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Subscribes and loops; the future fails when a record could not be produced, or ends after {@link #stop()}. */
  Future<Void> start() {
    consumer.subscribe(input).onSuccess(v -> next()).onFailure(ended::tryFail);
    return ended.future();
  }

  /** Ends the loop after the current batch and closes both clients. */
  Future<Void> stop() {
    running = false;
    return ended.future().transform(ar -> Future.join(producer.close(), consumer.close()).mapEmpty());
  }

  private void next() {
    if (!running) {
      ended.tryComplete();
      return;
    }
    consumer.poll(POLL).onSuccess(this::produce).onFailure(ended::tryFail);
  }

  private void produce(KafkaConsumerRecords<byte[], byte[]> records) {
    int n = records.size();
    if (n == 0) {
      stats.emptyPolls.incrementAndGet();
      next();
      return;
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>(n);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    KafkaConsumerRecord<byte[], byte[]> last = null;
    for (int i = 0; i < n; i++) {
      KafkaConsumerRecord<byte[], byte[]> r = records.recordAt(i);
      KafkaProducerRecord<byte[], byte[]> out = KafkaProducerRecord.create(output, r.key(), r.value(), r.timestamp(), null);
      List<KafkaHeader> headers = r.headers();
      if (!headers.isEmpty()) {
        out.addHeaders(headers);
      }
      sends.add(producer.send(out));
      if (last != null && last.partition() != r.partition()) { // a batch's records come partition by partition
        offsets.put(new TopicPartition(last.topic(), last.partition()), new OffsetAndMetadata(last.offset() + 1, ""));
      }
      last = r;
    }
    offsets.put(new TopicPartition(last.topic(), last.partition()), new OffsetAndMetadata(last.offset() + 1, ""));
    Future.all(sends).onSuccess(v -> {
      consumer.commit(offsets).onFailure(e -> stats.commitFailures.incrementAndGet());
      stats.messages.addAndGet(n);
      stats.batches.incrementAndGet();
      next();
    }).onFailure(e -> ended.tryFail(new IllegalStateException("producing to topic " + output + " failed: " + e, e)));
  }
}
