package io.flowmesh.source.engine;

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
  private long next;

  /** @param prefix the configured prefix, or null for a random one */
  public IdSequence(String prefix) {
    this.prefix = (prefix == null ? randomPrefix() : prefix) + "-";
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

  /** The prefix, without the trailing dash. */
  public String prefix() {
    return prefix.substring(0, prefix.length() - 1);
  }

  /** How many ids were handed out. */
  public long issued() {
    return next;
  }
}
