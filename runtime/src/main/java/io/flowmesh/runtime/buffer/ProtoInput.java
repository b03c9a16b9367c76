package io.flowmesh.runtime.buffer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.proto.grpc.UnsharedHeap;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Protobuf readers over a buffer's bytes. */
public final class ProtoInput {

  private ProtoInput() {
  }

  /**
   * A reader over the buffer's own bytes where it has them in one piece (a heap array or a single
   * NIO buffer), instead of a copy: a batch of 256 500-byte messages is ~130 KB that
   * {@link Buffer#getBytes()} would copy once more before parsing. Bytes fields are still copied
   * out by the parser (no aliasing), so nothing parsed refers to the buffer afterwards.
   */
  public static CodedInputStream of(Buffer b) {
    if (b instanceof BufferInternal bi) {
      ByteBuf bb = bi.getByteBuf();
      if (bb.hasArray()) {
        return CodedInputStream.newInstance(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
      }
      if (bb.nioBufferCount() == 1) {
        return CodedInputStream.newInstance(bb.nioBuffer());
      }
    }
    return CodedInputStream.newInstance(b.getBytes());
  }

  /**
   * As {@link #of}, but {@code bytes} fields parsed from it are slices of the buffer's array
   * ({@code ByteString}s that alias it) instead of copies, when the buffer is a heap array that no
   * pool hands out again; otherwise the same as {@link #of} (copies).
   *
   * <p>Only for buffers whose bytes nobody writes again, which is what Vert.x hands a gRPC or
   * HTTP/2 reader: every DATA frame it delivers is a fresh copy in an unpooled heap buffer
   * ({@code Http2ConnectionBase.safeBuffer}), its gRPC deframer and {@code GrpcFrameReader} only
   * append after the bytes already written or copy into a new buffer, and releasing an unpooled
   * heap buffer does not hand its array to anyone. The array then lives, through the parsed
   * values, as long as any of them does; a value kept longer than its message keeps the whole
   * frame's array with it.
   */
  public static CodedInputStream aliasing(Buffer b) {
    ByteBuf bb = UnsharedHeap.of(b);
    return bb == null ? of(b) : aliasing(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
  }

  /**
   * A reader over {@code array[offset, offset + length)} whose {@code bytes} fields are slices of the
   * array, not copies: only for an array nobody writes again (see {@link #aliasing(Buffer)}).
   */
  public static CodedInputStream aliasing(byte[] array, int offset, int length) {
    // A wrapped ByteString's reader is marked immutable, which aliasing needs; a plain array's is not.
    CodedInputStream in = UnsafeByteOperations.unsafeWrap(array, offset, length).newCodedInput();
    in.enableAliasing(true);
    return in;
  }
}
