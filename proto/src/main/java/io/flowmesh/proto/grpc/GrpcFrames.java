package io.flowmesh.proto.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * gRPC length-prefixed messages: 1 byte compressed flag (always 0 here: no compression is
 * negotiated), 4 bytes big-endian length, the protobuf. A protocol's own encoders (such as
 * map-service's {@code MapFrames}) write their messages after {@link #writePrefix}.
 *
 * <h2>Concurrency</h2>
 * Stateless.
 */
public final class GrpcFrames {

  /** Bytes before each message: the compressed flag and the length. */
  public static final int PREFIX = 5;

  private GrpcFrames() {
  }

  /** A whole frame for {@code message}. */
  public static byte[] frame(MessageLite message) {
    int size = message.getSerializedSize();
    byte[] frame = new byte[PREFIX + size];
    writePrefix(frame, size);
    CodedOutputStream cos = CodedOutputStream.newInstance(frame, PREFIX, size);
    try {
      message.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a message into an array of its exact size", e);
    }
    return frame;
  }

  /** Writes the prefix of an uncompressed message of {@code messageSize} bytes at {@code to[0..4]}. */
  public static void writePrefix(byte[] to, int messageSize) {
    to[0] = 0;
    to[1] = (byte) (messageSize >>> 24);
    to[2] = (byte) (messageSize >>> 16);
    to[3] = (byte) (messageSize >>> 8);
    to[4] = (byte) messageSize;
  }
}
