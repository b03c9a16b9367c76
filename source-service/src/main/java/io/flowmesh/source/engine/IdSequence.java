package io.flowmesh.source.engine;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.buffer.Utf8Text;
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
  /** The prefix without the dash, as UTF-8. */
  private final ByteString head;
  private long next;

  /** @param prefix the configured prefix, or null for a random one */
  public IdSequence(String prefix) {
    this.prefix = (prefix == null ? randomPrefix() : prefix) + "-";
    this.head = ByteString.copyFromUtf8(prefix());
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
    return Utf8Text.joined(head, '-', next++);
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
