package io.flowmesh.runtime.edge;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessage;

/**
 * Decodes edge frames from raw gRPC messages. Vert.x's own decoding cancels the stream on a bad
 * frame without saying why; decoding here lets the receiver answer with a status and a reason.
 */
final class Frames {

  private Frames() {
  }

  /**
   * Parses one frame.
   *
   * @throws InvalidProtocolBufferException with a reason for a compressed or malformed frame
   */
  static <T> T parse(GrpcMessage msg, Parser<T> parser) throws InvalidProtocolBufferException {
    if (!"identity".equals(msg.encoding())) {
      throw new InvalidProtocolBufferException("compressed frames (" + msg.encoding() + ") are not used on edges");
    }
    return parser.parseFrom(input(msg.payload()));
  }

  /**
   * A reader over the buffer's own bytes where it has them in one piece (a heap array or a single
   * NIO buffer), instead of a copy: a batch of 256 500-byte messages is ~130 KB that
   * {@link Buffer#getBytes()} would copy once more before parsing. Bytes fields are still copied
   * out by the parser (no aliasing), so nothing parsed refers to the buffer afterwards.
   */
  static CodedInputStream input(Buffer b) {
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
}
