package io.flowmesh.sink.udsink;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.udf.sink.v1.Handshake;
import io.flowmesh.proto.udf.sink.v1.SinkRequest;
import io.flowmesh.proto.udf.sink.v1.TransmissionStatus;
import io.flowmesh.runtime.buffer.Utf8Text;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.Texts;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@code sink.v1} requests as gRPC length-prefixed messages ({@link GrpcFrames}) straight
 * from the edge's {@link EdgeMessage} into the stream's {@link Buffer}: the
 * {@code SinkRequest{request{keys, value, event_time, id, headers}}} fields are encoded directly,
 * so no {@code SinkRequest} (nor its key list and header map copies) is built per message. The
 * bytes are those the generated classes would write ({@code SinkFramesTest} checks).
 *
 * <h2>Concurrency</h2>
 * One instance per client, used on its context only: it reuses a scratch array.
 */
final class SinkFrames {

  static final byte[] HANDSHAKE = GrpcFrames.frame(
      SinkRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
  static final byte[] EOT = GrpcFrames.frame(
      SinkRequest.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build());

  private static final int KEYS = SinkRequest.Request.KEYS_FIELD_NUMBER;
  private static final int VALUE = SinkRequest.Request.VALUE_FIELD_NUMBER;
  private static final int EVENT_TIME = SinkRequest.Request.EVENT_TIME_FIELD_NUMBER;
  private static final int ID = SinkRequest.Request.ID_FIELD_NUMBER;
  private static final int HEADERS = SinkRequest.Request.HEADERS_FIELD_NUMBER;

  private byte[] scratch = new byte[4096];

  /** Appends {@code SinkRequest{request}} for {@code m}. */
  void appendRequest(Buffer out, EdgeMessage m) {
    int requestSize = requestSize(m);
    int messageSize = CodedOutputStream.computeTagSize(SinkRequest.REQUEST_FIELD_NUMBER)
        + CodedOutputStream.computeUInt32SizeNoTag(requestSize) + requestSize;
    int frameSize = GrpcFrames.PREFIX + messageSize;
    if (scratch.length < frameSize) {
      scratch = new byte[Math.max(frameSize, scratch.length * 2)];
    }
    GrpcFrames.writePrefix(scratch, messageSize);
    CodedOutputStream cos = CodedOutputStream.newInstance(scratch, GrpcFrames.PREFIX, messageSize);
    try {
      cos.writeTag(SinkRequest.REQUEST_FIELD_NUMBER, 2);
      cos.writeUInt32NoTag(requestSize);
      Texts keys = m.getKeysList();
      for (int i = 0, n = keys.size(); i < n; i++) {
        Utf8Text.write(cos, KEYS, Utf8Text.at(keys, i));
      }
      ByteString value = m.getValue();
      if (!value.isEmpty()) {
        cos.writeBytes(VALUE, value);
      }
      long eventTime = m.getEventTime();
      if (eventTime > 0) {
        cos.writeTag(EVENT_TIME, 2);
        cos.writeUInt32NoTag(timestampSize(eventTime));
        long seconds = Math.floorDiv(eventTime, 1000);
        int nanos = Math.floorMod(eventTime, 1000) * 1_000_000;
        if (seconds != 0) {
          cos.writeInt64(1, seconds);
        }
        if (nanos != 0) {
          cos.writeInt32(2, nanos);
        }
      }
      if (!m.getIdBytes().isEmpty()) {
        Utf8Text.write(cos, ID, Utf8Text.checked(m.getIdBytes()));
      }
      if (m.getHeadersCount() > 0) {
        for (int i = 0, n = m.getHeadersCount(); i < n; i++) {
          Header h = m.getHeaders(i);
          cos.writeTag(HEADERS, 2);
          cos.writeUInt32NoTag(entrySize(h.getKey(), h.getValue()));
          cos.writeString(1, h.getKey());
          cos.writeString(2, h.getValue());
        }
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a SinkRequest into an array of its exact size", e);
    }
    out.appendBytes(scratch, 0, frameSize);
  }

  /** The size of {@code SinkRequest.Request} for {@code m}, without its tag and length. */
  static int requestSize(EdgeMessage m) {
    int size = 0;
    Texts keys = m.getKeysList();
    for (int i = 0, n = keys.size(); i < n; i++) {
      size += Utf8Text.fieldSize(KEYS, Utf8Text.at(keys, i));
    }
    if (!m.getValue().isEmpty()) {
      size += CodedOutputStream.computeBytesSize(VALUE, m.getValue());
    }
    if (m.getEventTime() > 0) {
      int ts = timestampSize(m.getEventTime());
      size += CodedOutputStream.computeTagSize(EVENT_TIME) + CodedOutputStream.computeUInt32SizeNoTag(ts) + ts;
    }
    if (!m.getIdBytes().isEmpty()) {
      size += Utf8Text.fieldSize(ID, Utf8Text.checked(m.getIdBytes()));
    }
    if (m.getHeadersCount() > 0) {
      for (int i = 0, n = m.getHeadersCount(); i < n; i++) {
        Header h = m.getHeaders(i);
        int entry = entrySize(h.getKey(), h.getValue());
        size += CodedOutputStream.computeTagSize(HEADERS) + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
      }
    }
    return size;
  }

  /** A map entry: key and value both written, as the generated code does. */
  private static int entrySize(String key, String value) {
    return CodedOutputStream.computeStringSize(1, key) + CodedOutputStream.computeStringSize(2, value);
  }

  /** {@code google.protobuf.Timestamp} of epoch {@code millis}. */
  private static int timestampSize(long millis) {
    long seconds = Math.floorDiv(millis, 1000);
    int nanos = Math.floorMod(millis, 1000) * 1_000_000;
    return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(1, seconds)) + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(2, nanos));
  }
}
