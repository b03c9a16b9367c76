package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Tells whether a {@link ByteString} is a slice that keeps a much larger array alive: the frame a
 * parsed message's fields, or a UDF answer's values, were cut from. protobuf hands a byte string's
 * backing array to a {@link ByteOutput} without copying it ({@link UnsafeByteOperations#unsafeWriteTo}),
 * and that array's length is what holding the slice costs. A probe is reused call after call, so a
 * walk over many messages allocates nothing to ask.
 *
 * <p>Concurrency: one thread at a time (it keeps the answer of the call in progress).
 */
final class Backing extends ByteOutput {

  /** Bytes of the arrays behind the string being probed; {@code Long.MAX_VALUE} when not told. */
  private long held;
  /** The last heap array handed over, and how many pieces the string came in. */
  private byte[] array;
  private int pieces;

  /**
   * True when holding {@code b} keeps more than twice its own length alive: it is a slice of an
   * array mostly taken by other things, and a copy of its bytes would let that array go.
   */
  boolean pinsMore(ByteString b) {
    int size = b.size();
    if (size == 0) {
      return false;
    }
    probe(b);
    array = null;
    return held - size > size;
  }

  /**
   * The one heap array {@code b} is a slice of (the frame it was cut from, when it was), or null:
   * empty, in several pieces, or not on the heap.
   */
  byte[] array(ByteString b) {
    if (b.isEmpty()) {
      return null;
    }
    probe(b);
    byte[] a = pieces == 1 ? array : null;
    array = null; // a probe kept between looks must not keep the last frame it saw
    return a;
  }

  private void probe(ByteString b) {
    held = 0;
    array = null;
    pieces = 0;
    try {
      UnsafeByteOperations.unsafeWriteTo(b, this);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // this output never throws
    }
  }

  /** {@code b}'s bytes in an array of their own (one copy; the array is never written again). */
  static ByteString copy(ByteString b) {
    return UnsafeByteOperations.unsafeWrap(b.toByteArray());
  }

  @Override
  public void writeLazy(byte[] value, int offset, int length) {
    add(value.length);
    array = value;
    pieces++;
  }

  /**
   * A direct or read-only buffer ({@code NioByteString}): protobuf hands over a slice of it, whose
   * capacity is the string's own size, so such a string never counts as pinning more (parsed edge
   * messages and UDF answers are slices of heap arrays, never of these).
   */
  @Override
  public void writeLazy(ByteBuffer value) {
    add(value.hasArray() ? value.array().length : value.capacity());
    pieces += 2; // not a heap array this probe hands back
  }

  private void add(long bytes) {
    held = held == Long.MAX_VALUE ? held : held + bytes; // a rope may mix pieces handed over and pieces copied
  }

  // a byte string that writes a copy instead of handing its storage over: what it holds is unknown

  @Override
  public void write(byte value) {
    held = Long.MAX_VALUE;
    pieces += 2;
  }

  @Override
  public void write(byte[] value, int offset, int length) {
    held = Long.MAX_VALUE;
    pieces += 2;
  }

  @Override
  public void write(ByteBuffer value) {
    held = Long.MAX_VALUE;
    pieces += 2;
  }
}
