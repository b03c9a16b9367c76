package io.flowmesh.source.engine;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Message ids {@code <prefix>-<counter>}. The prefix is random per process start unless
 * configured, so ids never repeat across restarts and stay stable across redelivery (the edge
 * resends the same message).
 *
 * <p>Concurrency: owned by the source's event loop.
 */
public final class IdSequence {

  private final String prefix;
  private final byte[] prefixBytes;
  private long next;

  /** @param prefix the configured prefix, or null for a random one */
  public IdSequence(String prefix) {
    this.prefix = (prefix == null ? randomPrefix() : prefix) + "-";
    this.prefixBytes = this.prefix.getBytes(StandardCharsets.UTF_8);
  }

  /** 12 hex digits (48 random bits). */
  static String randomPrefix() {
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public String next() {
    return prefix.concat(Long.toString(next++));
  }

  /**
   * The next id as its UTF-8 bytes, the same text {@link #next} would give: one array, written
   * once, where a String would be built and then encoded again for the edge.
   */
  public ByteString nextBytes() {
    long v = next++;
    int digits = 1;
    for (long rest = v / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int n = prefixBytes.length;
    byte[] b = new byte[n + digits];
    System.arraycopy(prefixBytes, 0, b, 0, n);
    for (int i = b.length - 1; i >= n; i--, v /= 10) {
      b[i] = (byte) ('0' + v % 10);
    }
    return UnsafeByteOperations.unsafeWrap(b);
  }

  /** The prefix, without the trailing dash. */
  public String prefix() {
    return prefix.substring(0, prefix.length() - 1);
  }

  /** How many ids were handed out. */
  public long issued() {
    return next;
  }
}
