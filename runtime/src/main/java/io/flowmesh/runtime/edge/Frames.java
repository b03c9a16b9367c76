package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.flowmesh.runtime.buffer.ProtoInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;

/**
 * Decodes edge frames from raw gRPC messages. Vert.x's own decoding cancels the stream on a bad
 * frame without saying why; decoding here lets the receiver answer with a status and a reason.
 */
final class Frames {

  private Frames() {
  }

  /**
   * Parses one frame; its messages' values are slices of the frame's bytes, not copies
   * ({@link ProtoInput#aliasing}: Vert.x hands each frame over in a heap array of its own).
   *
   * @throws InvalidProtocolBufferException with a reason for a compressed or malformed frame
   */
  static <T> T parse(GrpcMessage msg, Parser<T> parser) throws InvalidProtocolBufferException {
    if (!"identity".equals(msg.encoding())) {
      throw new InvalidProtocolBufferException("compressed frames (" + msg.encoding() + ") are not used on edges");
    }
    return parse(msg.payload(), parser);
  }

  /** Parses one uncompressed frame's bytes, as {@link #parse(GrpcMessage, Parser)}. */
  static <T> T parse(Buffer frame, Parser<T> parser) throws InvalidProtocolBufferException {
    return parser.parseFrom(ProtoInput.aliasing(frame));
  }
}
