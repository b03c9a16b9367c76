package io.flowmesh.bench.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills the bench's input topic once: {@code --count} records with values of {@code --size} random letters
 * and digits (as the generator source makes them) and keys {@code key-0} … {@code key-1023}, spread evenly
 * over the topic's partitions. Ends when the broker acknowledged every record, or exits 1 naming the error.
 */
public final class KafkaPreload {

  private static final int DISTINCT = 1024;
  private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);

  private KafkaPreload() {
  }

  public static void main(String[] args) throws Exception {
    Options o = new Options("kafka-preload", args, Set.of("bootstrap", "topic", "count", "size"));
    String bootstrap = o.get("bootstrap", null);
    String topic = o.get("topic", null);
    long count = o.getLong("count", null);
    int size = (int) o.getLong("size", "500");
    byte[][] values = new byte[DISTINCT][];
    byte[][] keys = new byte[DISTINCT][];
    Random random = new Random(1);
    for (int i = 0; i < DISTINCT; i++) {
      values[i] = new byte[size];
      for (int j = 0; j < size; j++) {
        values[i][j] = ALPHABET[random.nextInt(ALPHABET.length)];
      }
      keys[i] = ("key-" + i).getBytes(StandardCharsets.US_ASCII);
    }
    Map<String, Object> settings = KafkaSettings.objects(KafkaSettings.producer(bootstrap));
    settings.put("linger.ms", "10");
    settings.put("batch.size", Integer.toString(256 << 10));
    Exception[] failure = new Exception[1];
    Callback onSent = (meta, e) -> {
      if (e != null) {
        synchronized (failure) {
          if (failure[0] == null) {
            failure[0] = e;
          }
        }
      }
    };
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
      int partitions = producer.partitionsFor(topic).size();
      for (long i = 0; i < count; i++) {
        int k = (int) (i % DISTINCT);
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, keys[k], values[k]), onSent);
      }
      producer.flush();
      synchronized (failure) {
        if (failure[0] != null) {
          System.err.println("kafka-preload: producing to topic " + topic + " failed: " + failure[0]);
          System.exit(1);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("kafka-preload: %d records of %d bytes in %.1f s (%.0f records/s) to topic %s (%d partitions)%n",
          count, size, seconds, count / seconds, topic, partitions);
    }
  }
}
