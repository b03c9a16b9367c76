package io.flowmesh.map.udf;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@code map.v1} requests as gRPC length-prefixed messages ({@link GrpcFrames}) into a
 * {@link Buffer}, so that many can go out in one HTTP/2 write.
 *
 * <h2>Concurrency</h2>
 * One instance per client, used on its event loop only: it reuses a scratch array.
 */
final class MapFrames {

  static final byte[] HANDSHAKE = GrpcFrames.frame(MapRequest.newBuilder()
      .setHandshake(Handshake.newBuilder().setSot(true)).build());
  private static final byte[] EOT = GrpcFrames.frame(MapRequest.newBuilder()
      .setStatus(TransmissionStatus.newBuilder().setEot(true)).build());
  private static final int REQUEST_TAG_SIZE = CodedOutputStream.computeTagSize(MapRequest.REQUEST_FIELD_NUMBER);
  private static final int ID_TAG_SIZE = CodedOutputStream.computeTagSize(MapRequest.ID_FIELD_NUMBER);

  private byte[] scratch = new byte[4096];
  /** An id's decimal digits, written from the end. */
  private final byte[] digits = new byte[20];

  /** The size, prefix included, of the frame {@link #appendRequest} writes for an id of {@code idDigits} digits. */
  static int requestFrameSize(UdfElement element, int idDigits) {
    int size = element.requestSize();
    return GrpcFrames.PREFIX + REQUEST_TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(size) + size
        + ID_TAG_SIZE + 1 + idDigits;
  }

  /** Why {@code element}'s request cannot be sent (its message exceeds {@code maxMessageSize}), or null. */
  static String tooLarge(UdfElement element, int maxMessageSize) {
    int size = requestFrameSize(element, 19) - GrpcFrames.PREFIX;
    return size <= maxMessageSize ? null
        : "request of " + size + " bytes exceeds udf.max-message-size " + maxMessageSize;
  }

  /**
   * Appends {@code MapRequest{request, id}} as a frame, encoding the two fields directly, the
   * request from the element itself and the id (a positive number) as its decimal text: no
   * {@code MapRequest}, request or id string is built per element.
   */
  void appendRequest(Buffer out, UdfElement element, long id) {
    if (id <= 0) {
      // written as no digits at all, it would come back as an answer without id
      throw new IllegalArgumentException("request id must be positive, was " + id);
    }
    int from = digits.length;
    for (long n = id; n > 0; n /= 10) {
      digits[--from] = (byte) ('0' + n % 10);
    }
    int idDigits = digits.length - from;
    int frameSize = requestFrameSize(element, idDigits);
    if (scratch.length < frameSize) {
      scratch = new byte[Math.max(frameSize, scratch.length * 2)];
    }
    int messageSize = frameSize - GrpcFrames.PREFIX;
    GrpcFrames.writePrefix(scratch, messageSize);
    CodedOutputStream cos = CodedOutputStream.newInstance(scratch, GrpcFrames.PREFIX, messageSize);
    try {
      cos.writeTag(MapRequest.REQUEST_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      cos.writeUInt32NoTag(element.requestSize());
      element.writeRequest(cos);
      cos.writeTag(MapRequest.ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      cos.writeUInt32NoTag(idDigits);
      cos.writeRawBytes(digits, from, idDigits);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a MapRequest into an array of its exact size", e);
    }
    out.appendBytes(scratch, 0, frameSize);
  }

  /** Appends the handshake request: empty id, {@code handshake{sot: true}}. */
  static void appendHandshake(Buffer out) {
    out.appendBytes(HANDSHAKE);
  }

  /** Appends the end of a batch: {@code status{eot: true}}. */
  static void appendEot(Buffer out) {
    out.appendBytes(EOT);
  }
}
