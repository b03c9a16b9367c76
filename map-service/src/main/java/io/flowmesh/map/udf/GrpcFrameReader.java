package io.flowmesh.map.udf;

import io.vertx.core.buffer.Buffer;

/**
 * Splits an HTTP/2 body into gRPC length-prefixed messages, whatever the DATA frame
 * boundaries. Refuses compressed messages (none are negotiated) and messages over the
 * maximum size, before buffering them.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the stream it reads.
 */
final class GrpcFrameReader {

  /** Receives what the reader finds. */
  interface Sink {
    /** One whole message, without its prefix. Returning false stops reading. */
    boolean onMessage(Buffer message);

    /** The body is not a valid gRPC message stream; nothing more is read. */
    void onMalformed(String detail);
  }

  private final int maxMessageSize;
  private final Sink sink;
  private Buffer partial;
  private boolean stopped;

  GrpcFrameReader(int maxMessageSize, Sink sink) {
    this.maxMessageSize = maxMessageSize;
    this.sink = sink;
  }

  /** Feeds the next piece of the body. */
  void feed(Buffer data) {
    if (stopped) {
      return;
    }
    Buffer buf;
    if (partial == null) {
      buf = data;
    } else {
      buf = partial.appendBuffer(data);
    }
    int length = buf.length();
    int pos = 0;
    while (length - pos >= GrpcFrames.PREFIX) {
      byte flag = buf.getByte(pos);
      long size = buf.getUnsignedInt(pos + 1);
      if (flag != 0) {
        stop("message with compressed flag " + flag + " although no compression was negotiated");
        return;
      }
      if (size > maxMessageSize) {
        stop("message of " + size + " bytes exceeds udf.max-message-size " + maxMessageSize);
        return;
      }
      int end = pos + GrpcFrames.PREFIX + (int) size;
      if (end > length) {
        break;
      }
      if (!sink.onMessage(buf.slice(pos + GrpcFrames.PREFIX, end))) {
        stopped = true;
        partial = null;
        return;
      }
      pos = end;
    }
    if (pos == length) {
      partial = null;
    } else if (pos > 0 || partial == null) {
      partial = Buffer.buffer(Math.max(256, length - pos)).appendBuffer(buf, pos, length - pos);
    }
  }

  /** Bytes of an incomplete message held back; a body ending with some is truncated. */
  int pendingBytes() {
    return partial == null ? 0 : partial.length();
  }

  private void stop(String detail) {
    stopped = true;
    partial = null;
    sink.onMalformed(detail);
  }
}
