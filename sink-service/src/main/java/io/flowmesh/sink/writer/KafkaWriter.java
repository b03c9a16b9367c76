package io.flowmesh.sink.writer;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes messages as records of one Kafka topic with an idempotent producer and {@code acks=all}:
 * keys → the record key (one key as it is, several joined with commas), headers → record headers,
 * event time → the record timestamp, and the message id → header {@code flowmesh-id} (for deduplication). A batch completes once the broker acknowledged every record;
 * the records that finally failed are named, so only those are nacked (or dropped).
 *
 * <p>Concurrency: {@code send} may block (metadata, a full buffer), so it runs on one worker
 * thread; the producer's callbacks run on its I/O thread; the result completes on the caller's
 * context.
 */
public final class KafkaWriter implements SinkWriter {

  /** The message id travels as this header, so a consumer can drop the duplicates a redelivery writes. */
  public static final String ID_HEADER = "flowmesh-id";

  private final String topic;
  private final String bootstrap;
  private final KafkaProducer<byte[], byte[]> producer;
  private final WorkerExecutor worker;
  private volatile String lastError;

  private KafkaWriter(String bootstrap, String topic, KafkaProducer<byte[], byte[]> producer, WorkerExecutor worker) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.producer = producer;
    this.worker = worker;
  }

  /**
   * @param client any other producer property, passed through
   */
  public static Future<KafkaWriter> open(Vertx vertx, String bootstrap, String topic, long maxBytesInFlight, Map<String, String> client) {
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("flowmesh-sink-kafka", 1);
    return worker.executeBlocking(() -> {
      Properties p = new Properties();
      p.putAll(client);
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(maxBytesInFlight));
      p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
      return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }, false).map(producer -> new KafkaWriter(bootstrap, topic, producer, worker));
  }

  @Override
  public void encode(EdgeMessage m, OutBuffer out) {
    throw new UnsupportedOperationException("the Kafka sink sends messages, not encoded bytes");
  }

  @Override
  public boolean sendsMessages() {
    return true;
  }

  @Override
  public Future<Void> write(OutBuffer out) {
    return Future.failedFuture(new UnsupportedOperationException("the Kafka sink sends messages, not encoded bytes"));
  }

  @Override
  public Future<BitSet> send(List<EdgeMessage> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BitSet());
    }
    Outcomes outcomes = new Outcomes(batch.size(), Vertx.currentContext());
    worker.executeBlocking(() -> {
      ValueBytes values = new ValueBytes();
      for (int i = 0; i < batch.size(); i++) {
        int index = i;
        try {
          producer.send(record(batch.get(i), values), (meta, e) -> outcomes.done(index, e));
        } catch (RuntimeException e) { // serialization or a closed producer: this record never left
          outcomes.done(index, e);
        }
      }
      return null;
    }, true);
    return outcomes.all.future().map(f -> {
      lastError = outcomes.firstError;
      return f;
    });
  }

  /** The outcome of each record of one batch, gathered from the producer's I/O thread; completes on the caller's context. */
  private static final class Outcomes {
    private final BitSet failed = new BitSet();
    private final AtomicInteger left;
    private final Context caller;
    private final Promise<BitSet> all = Promise.promise();
    private volatile String firstError;

    Outcomes(int size, Context caller) {
      this.left = new AtomicInteger(size);
      this.caller = caller;
    }

    void done(int index, Exception e) {
      if (e != null) {
        synchronized (failed) {
          failed.set(index);
          if (firstError == null) {
            firstError = describe(e);
          }
        }
      }
      if (left.decrementAndGet() == 0) {
        caller.runOnContext(v -> all.complete(failed));
      }
    }
  }

  /** The first error of the last batch that had failures, for logs and readiness. */
  @Override
  public String lastError() {
    return lastError;
  }

  /**
   * The record of {@code m}. Per record it makes only what the producer API needs: the value is the
   * message's own array when its bytes fill one (the producer copies them into its batch in
   * {@code send}, and a message is immutable), and key and id go from their UTF-8 bytes to the record
   * without passing through a String.
   */
  private ProducerRecord<byte[], byte[]> record(EdgeMessage m, ValueBytes values) {
    byte[] key = switch (m.getKeysCount()) {
      case 0 -> null;
      case 1 -> m.getKeysBytes(0).toByteArray();
      default -> String.join(",", m.getKeysList()).getBytes(StandardCharsets.UTF_8);
    };
    RecordHeaders headers = new RecordHeaders();
    if (m.getHeadersCount() > 0) {
      for (int i = 0, n = m.getHeadersCount(); i < n; i++) {
        headers.add(m.getHeaders(i).getKey(), m.getHeaders(i).getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    headers.add(ID_HEADER, m.getIdBytes().toByteArray());
    Long ts = m.getEventTime() > 0 ? m.getEventTime() : null;
    return new ProducerRecord<>(topic, null, ts, key, values.of(m.getValue()), headers);
  }

  /**
   * A value's bytes without a copy when a {@link ByteString} is one whole array (as a parsed message's
   * values are), else a copy. One per batch, used on the worker thread only.
   */
  static final class ValueBytes extends ByteOutput {
    private byte[] whole;
    private boolean copy;

    byte[] of(ByteString value) {
      whole = null;
      copy = false;
      try {
        UnsafeByteOperations.unsafeWriteTo(value, this);
      } catch (IOException e) {
        copy = true; // not thrown by these methods; the copy is always right
      }
      byte[] b = copy || whole == null ? value.toByteArray() : whole;
      whole = null;
      return b;
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      if (whole == null && !copy && offset == 0 && length == value.length) {
        whole = value;
      } else {
        copy = true; // part of an array, or one piece of several
      }
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      copy = true;
    }

    @Override
    public void write(byte value) {
      copy = true;
    }

    @Override
    public void write(ByteBuffer value) {
      copy = true;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      copy = true;
    }
  }

  static String describe(Throwable e) {
    String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return e instanceof RecordTooLargeException ? what + " (the record is larger than the broker or topic accepts)" : what;
  }

  @Override
  public Future<Void> close() {
    return worker.executeBlocking(() -> {
      producer.close(java.time.Duration.ofSeconds(10));
      return null;
    }, false).eventually(worker::close).mapEmpty();
  }

  @Override
  public String describe() {
    return "kafka " + topic + " at " + bootstrap;
  }
}
