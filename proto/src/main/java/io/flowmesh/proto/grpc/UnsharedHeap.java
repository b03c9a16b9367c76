package io.flowmesh.proto.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Whether a buffer's bytes are a heap array that no pool hands out again, so that values read from
 * it may stay slices of it (see {@link GrpcFrameReader.ArraySink}).
 */
public final class UnsharedHeap {

  private UnsharedHeap() {
  }

  /**
   * The buffer's bytes when they are a heap array from an allocator that never reuses arrays
   * (Netty's unpooled one, or Vert.x's own heap buffers, which is what its HTTP/2 layer copies each
   * DATA frame into), else null: a pooled allocator's (Netty's pooled or adaptive one) may give the
   * array to the next buffer and overwrite it. The readable bytes are {@code array()} from
   * {@code arrayOffset() + readerIndex()}, {@code readableBytes()} long.
   */
  public static ByteBuf of(Buffer b) {
    if (b instanceof BufferInternal bi) {
      ByteBuf bb = bi.getByteBuf();
      if (bb.hasArray() && unpooled(bb.alloc())) {
        return bb;
      }
    }
    return null;
  }

  private static boolean unpooled(ByteBufAllocator alloc) {
    return alloc instanceof UnpooledByteBufAllocator || alloc instanceof VertxByteBufAllocator;
  }
}
