package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.flowmesh.runtime.buffer.ProtoInput;
import io.vertx.core.buffer.Buffer;

/**
 * Decodes edge frames, as {@link EdgeCall} and {@link EdgeClientCall} split them from the stream
 * (uncompressed: a compressed flag is refused there). A frame that does not parse is the caller's to
 * refuse, with a status and a reason.
 */
final class Frames {

  private Frames() {
  }

  /**
   * Parses one frame; its messages' values are slices of the frame's bytes, not copies
   * ({@link ProtoInput#aliasing}: Vert.x hands each DATA frame over in a heap array of its own, and a
   * frame cut across two is assembled in a new one).
   *
   * @throws InvalidProtocolBufferException with a reason for a malformed frame
   */
  static <T> T parse(Buffer frame, Parser<T> parser) throws InvalidProtocolBufferException {
    return parser.parseFrom(ProtoInput.aliasing(frame));
  }
}
