package io.flowmesh.sink.writer;

import java.util.Arrays;

/**
 * A growable byte array that a batch is encoded into and written from, reused batch after batch,
 * with a scratch array for copying values out of messages.
 *
 * <p>Concurrency: not thread-safe. Owned by one sink verticle; while a write of it is outstanding
 * the worker thread reads it and the verticle leaves it alone.
 */
public final class OutBuffer {

  private static final int INITIAL = 64 * 1024;

  /** The bytes; encoders in this package write here directly after {@link #ensure}. */
  byte[] bytes = new byte[INITIAL];
  /** How many bytes of {@link #bytes} are used. */
  int length;
  private byte[] scratch = new byte[1024];

  public byte[] array() {
    return bytes;
  }

  public int length() {
    return length;
  }

  /** Empties the buffer; gives memory back when a large batch grew it beyond {@code keep} bytes. */
  public void reset(int keep) {
    length = 0;
    if (bytes.length > Math.max(INITIAL, keep)) {
      bytes = new byte[INITIAL];
    }
    if (scratch.length > Math.max(1024, keep)) {
      scratch = new byte[1024];
    }
  }

  void ensure(int extra) {
    int need = length + extra;
    if (need < 0) {
      throw new IllegalStateException("batch over 2 GiB");
    }
    if (need > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length << 1));
    }
  }

  /** A scratch array of at least {@code n} bytes (its contents are not kept). */
  byte[] scratch(int n) {
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length << 1)];
    }
    return scratch;
  }

  void put(byte b) {
    ensure(1);
    bytes[length++] = b;
  }

  /** Appends a string of ASCII characters only (field names, digits). */
  void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
  }

  /** Appends a non-negative or negative decimal integer. */
  void decimal(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      put((byte) '-');
      v = -v;
    }
    ensure(20);
    int start = length;
    do {
      bytes[length++] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    for (int i = start, j = length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }
}
