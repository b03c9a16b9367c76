package io.flowmesh.proto.grpc;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Splits an HTTP/2 body into gRPC length-prefixed messages, whatever the DATA frame
 * boundaries. Refuses compressed messages (none are negotiated) and messages over the
 * maximum size, before buffering them.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the stream it reads.
 */
public final class GrpcFrameReader {

  /** Receives what the reader finds. */
  public interface Sink {
    /** One whole message, without its prefix. Returning false stops reading. */
    boolean onMessage(Buffer message);

    /** The body is not a valid gRPC message stream; nothing more is read. */
    void onMalformed(String detail);

    /**
     * A message over the maximum size, refused from its prefix; nothing more is read. By default
     * it is malformed, with a detail naming the size and the limit's key.
     */
    default void onTooLarge(long size, int maxMessageSize, String maxMessageSizeKey) {
      onMalformed("message of " + size + " bytes exceeds " + maxMessageSizeKey + " " + maxMessageSize);
    }
  }

  /**
   * A sink that takes each message as a range of a heap array instead of a {@link Buffer} slice:
   * no wrapper objects per message (a slice and its {@code ByteBuf} are ~130 bytes, as much as a
   * small message's whole decoded form). The array is the piece's own when no pool reuses it
   * ({@link UnsharedHeap}; what Vert.x's HTTP/2 layer hands a reader: a fresh copy of each DATA
   * frame), else a copy of the whole piece; either way nobody writes it again, so what is decoded
   * from it may keep slices of it.
   */
  public interface ArraySink extends Sink {
    /** One whole message, without its prefix: {@code array[offset, offset + length)}. Returning false stops reading. */
    boolean onMessage(byte[] array, int offset, int length);

    @Override
    default boolean onMessage(Buffer message) {
      byte[] bytes = message.getBytes();
      return onMessage(bytes, 0, bytes.length);
    }
  }

  private final int maxMessageSize;
  private final String maxMessageSizeKey;
  private final Sink sink;
  /** {@link #sink} when it takes arrays, else null. */
  private final ArraySink arraySink;
  private Buffer partial;
  private boolean stopped;

  /**
   * @param maxMessageSize the largest message accepted, in bytes
   * @param maxMessageSizeKey the config key of that limit, named when a message exceeds it
   * @param sink receives the messages
   */
  public GrpcFrameReader(int maxMessageSize, String maxMessageSizeKey, Sink sink) {
    this.maxMessageSize = maxMessageSize;
    this.maxMessageSizeKey = maxMessageSizeKey;
    this.sink = sink;
    this.arraySink = sink instanceof ArraySink a ? a : null;
  }

  /**
   * Feeds the next piece of the body. Whole messages inside {@code data} are handed on as slices of
   * it (to an {@link ArraySink}: as ranges of its array, or of one copy of the piece when a pool
   * may reuse its array); a message cut by the end of a piece is copied, and completing it copies
   * just its own missing bytes from the next piece (not the whole piece).
   */
  public void feed(Buffer data) {
    if (stopped) {
      return;
    }
    int length = data.length();
    int pos = 0;
    if (partial != null) {
      pos = complete(data);
      if (pos < 0) {
        return;
      }
    }
    byte[] array = null;
    int base = 0;
    if (arraySink != null && length - pos >= GrpcFrames.PREFIX) {
      ByteBuf bb = UnsharedHeap.of(data);
      if (bb != null) {
        array = bb.array();
        base = bb.arrayOffset() + bb.readerIndex();
      } else {
        array = data.getBytes();
      }
    }
    while (length - pos >= GrpcFrames.PREFIX) {
      long size = checkedSize(data, pos);
      if (size < 0) {
        return;
      }
      int end = pos + GrpcFrames.PREFIX + (int) size;
      if (end > length) {
        break;
      }
      boolean more = array != null ? arraySink.onMessage(array, base + pos + GrpcFrames.PREFIX, (int) size)
          : sink.onMessage(data.slice(pos + GrpcFrames.PREFIX, end));
      if (!more) {
        stopped = true;
        partial = null;
        return;
      }
      pos = end;
    }
    if (pos < length) {
      int capacity = length - pos >= GrpcFrames.PREFIX
          ? GrpcFrames.PREFIX + (int) data.getUnsignedInt(pos + 1) : GrpcFrames.PREFIX;
      partial = Buffer.buffer(capacity).appendBuffer(data, pos, length - pos);
    }
  }

  /**
   * Completes the held-back message from the front of {@code data}.
   *
   * @return where the rest of {@code data} starts, or -1 when nothing more is to be read from it
   */
  private int complete(Buffer data) {
    int length = data.length();
    int pos = 0;
    if (partial.length() < GrpcFrames.PREFIX) {
      int take = Math.min(GrpcFrames.PREFIX - partial.length(), length);
      partial.appendBuffer(data, 0, take);
      pos = take;
      if (partial.length() < GrpcFrames.PREFIX) {
        return -1;
      }
      long size = checkedSize(partial, 0);
      if (size < 0) {
        return -1;
      }
      // The prefix was cut, so the buffer was made for the prefix alone: one of the message's own
      // size now, instead of growing by doubling as the rest arrives.
      partial = Buffer.buffer(GrpcFrames.PREFIX + (int) size).appendBuffer(partial);
    }
    int total = GrpcFrames.PREFIX + (int) partial.getUnsignedInt(1);
    int take = Math.min(total - partial.length(), length - pos);
    partial.appendBuffer(data, pos, take);
    pos += take;
    if (partial.length() < total) {
      return -1;
    }
    Buffer whole = partial;
    partial = null;
    boolean more;
    ByteBuf bb = arraySink == null ? null : UnsharedHeap.of(whole);
    if (bb != null) {
      more = arraySink.onMessage(bb.array(), bb.arrayOffset() + bb.readerIndex() + GrpcFrames.PREFIX, total - GrpcFrames.PREFIX);
    } else {
      more = sink.onMessage(whole.slice(GrpcFrames.PREFIX, total));
    }
    if (!more) {
      stopped = true;
      return -1;
    }
    return pos;
  }

  /** The size of the message whose prefix starts at {@code pos}, or -1 (and stopped) when refused. */
  private long checkedSize(Buffer buf, int pos) {
    byte flag = buf.getByte(pos);
    long size = buf.getUnsignedInt(pos + 1);
    if (flag != 0) {
      stop("message with compressed flag " + flag + " although no compression was negotiated");
      return -1;
    }
    if (size > maxMessageSize) {
      stopped = true;
      partial = null;
      sink.onTooLarge(size, maxMessageSize, maxMessageSizeKey);
      return -1;
    }
    return size;
  }

  /** The capacity of the buffer holding an incomplete message back, 0 when none is (for tests). */
  int heldCapacity() {
    if (partial == null) {
      return 0;
    }
    // getByteBuf() is a slice of the readable bytes; the capacity is its underlying buffer's
    io.netty.buffer.ByteBuf b = ((io.vertx.core.internal.buffer.BufferInternal) partial).getByteBuf();
    return b.unwrap() != null ? b.unwrap().capacity() : b.capacity();
  }

  /** Bytes of an incomplete message held back; a body ending with some is truncated. */
  public int pendingBytes() {
    return partial == null ? 0 : partial.length();
  }

  private void stop(String detail) {
    stopped = true;
    partial = null;
    sink.onMalformed(detail);
  }
}
