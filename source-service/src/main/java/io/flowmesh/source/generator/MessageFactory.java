package io.flowmesh.source.generator;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.Texts;
import io.flowmesh.source.engine.IdSequence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the generator's messages cheaply: a generated value is a window into one pre-generated
 * buffer of random letters and digits (a {@link ByteString#substring} shares the bytes, no copy),
 * shifted per message so consecutive values differ; each key's list is built once and shared.
 *
 * <p>Concurrency: not thread-safe; owned by the source's event loop.
 */
final class MessageFactory {

  private static final int SLACK = 4093;
  private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      .getBytes(StandardCharsets.US_ASCII);

  private final IdSequence ids;
  private final ByteString fixed;
  private final ByteString pool;
  private final int size;
  /** One list per key, shared by every message of that key. */
  private final Texts[] keys;
  private final boolean randomKeys;
  private final long jitterMillis;
  private final SplittableRandom random = new SplittableRandom();
  private long n;

  MessageFactory(GeneratorConfig config, IdSequence ids) {
    this.ids = ids;
    this.fixed = config.value() == null ? null : ByteString.copyFromUtf8(config.value());
    this.size = config.msgSize();
    this.pool = fixed != null || size == 0 ? ByteString.EMPTY : randomText(size + SLACK);
    this.keys = new Texts[config.keyCount()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Texts.of("k" + i);
    }
    this.randomKeys = config.randomKeys();
    this.jitterMillis = config.jitter().toMillis();
  }

  private ByteString randomText(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return ByteString.copyFrom(b);
  }

  /** The next message, stamped with {@code nowMillis} as its ingest time. */
  EdgeMessage next(long nowMillis) {
    long i = n++;
    Texts key = keys.length == 0 ? Texts.EMPTY : keys[randomKeys ? random.nextInt(keys.length) : (int) (i % keys.length)];
    long eventTime = jitterMillis == 0 ? nowMillis : nowMillis - random.nextLong(jitterMillis + 1);
    return EdgeMessage.of(ids.nextBytes(), value(i), key, eventTime, List.of(), nowMillis, Texts.EMPTY, false);
  }

  private ByteString value(long i) {
    if (fixed != null) {
      return fixed;
    }
    if (size == 0) {
      return ByteString.EMPTY;
    }
    int offset = (int) ((i * 7919) % SLACK);
    return pool.substring(offset, offset + size);
  }
}
