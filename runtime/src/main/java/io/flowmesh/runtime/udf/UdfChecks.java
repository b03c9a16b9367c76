package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.tls.TlsOptions;

import java.time.Duration;
import java.util.List;

/**
 * The checks of a UDF connection's settings, one per kind of value, each adding to {@code bad}
 * one line {@code "<key>: <what is wrong>"} naming the value and what is allowed. Used by
 * {@link UdfConnection#validate()} and by a vertex's own config (map's {@code UdfConfig}) to
 * check its keys in the order it lists them.
 *
 * <h2>Concurrency</h2>
 * Stateless.
 */
public final class UdfChecks {

  /** The smallest {@code max-message-size} allowed, in bytes. */
  public static final int MIN_MESSAGE_SIZE = 1024;

  private UdfChecks() {
  }

  /** {@code value} is a UDF address ({@link UdfAddress#parse}). */
  public static void address(List<String> bad, String key, String value) {
    try {
      UdfAddress.parse(value);
    } catch (IllegalArgumentException e) {
      bad.add(key + ": " + e.getMessage());
    }
  }

  /** {@code d} is set and positive. */
  public static void positive(List<String> bad, String key, Duration d) {
    if (d == null) {
      bad.add(key + ": missing; must be a positive duration");
    } else if (d.isNegative() || d.isZero()) {
      bad.add(key + ": " + d + " is not allowed; must be a positive duration");
    }
  }

  /** {@code <prefix>.initial-backoff} and {@code <prefix>.max-backoff} are positive, the first not above the second. */
  public static void backoff(List<String> bad, String prefix, Duration initial, Duration max) {
    int before = bad.size();
    positive(bad, prefix + ".initial-backoff", initial);
    positive(bad, prefix + ".max-backoff", max);
    if (bad.size() == before && initial.compareTo(max) > 0) {
      bad.add(prefix + ".max-backoff: " + max.toMillis() + "ms is below " + prefix + ".initial-backoff (" + initial.toMillis()
          + "ms): the cap must be at least the first delay");
    }
  }

  /** {@code size} is at least {@link #MIN_MESSAGE_SIZE}. */
  public static void maxMessageSize(List<String> bad, String key, int size) {
    if (size < MIN_MESSAGE_SIZE) {
      bad.add(key + ": " + size + " is not allowed; must be at least " + MIN_MESSAGE_SIZE + " bytes");
    }
  }

  /** An optional path: unset is fine, blank is not. */
  public static void optionalPath(List<String> bad, String key, String path) {
    if (path != null && path.isBlank()) {
      bad.add(key + ": empty; give a path or leave it unset");
    }
  }

  /** The client side of TLS under {@code prefix} ({@code udf.tls}). */
  public static void tls(List<String> bad, String prefix, TlsOptions tls) {
    if (tls == null) {
      bad.add(prefix + ".enabled: missing");
    } else {
      bad.addAll(tls.problems(prefix, false));
    }
  }
}
