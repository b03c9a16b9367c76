package io.flowmesh.map.engine;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.runtime.buffer.Utf8Text;
import io.flowmesh.runtime.edge.EdgeMessage;
import java.io.IOException;
import java.util.List;

/**
 * Encodes the map.v1 {@code MapRequest.Request} of an edge message straight from the message's
 * fields, byte for byte what the generated {@code MapRequest.Request} would write: keys, the value
 * (the message's own bytes, a slice of its edge frame), event time and watermark as {@code Timestamp}s
 * (always present, as a built request had them), and headers. Keys and headers are written as
 * they are held ({@link Utf8Text}): as parsed, the UTF-8 bytes the edge's parser kept, never
 * decoded. No request object, builder,
 * {@code Timestamp} or copied key list exists per element: the UDF client writes the request into
 * its outgoing buffer from the message it has to keep anyway.
 *
 * <p>Concurrency: stateless.
 */
final class UdfRequests {

  private UdfRequests() {
  }

  /** The encoded size of {@code m}'s request; {@code headers} false when {@code m} has none (checked once per element). */
  static int size(EdgeMessage m, long watermarkMillis, boolean headers) {
    int size = 0;
    List<String> keys = m.getKeysList();
    for (int i = 0, n = keys.size(); i < n; i++) {
      size += Utf8Text.fieldSize(MapRequest.Request.KEYS_FIELD_NUMBER, Utf8Text.at(keys, i));
    }
    ByteString value = m.getValue();
    if (!value.isEmpty()) {
      size += CodedOutputStream.computeBytesSize(MapRequest.Request.VALUE_FIELD_NUMBER, value);
    }
    size += timestampFieldSize(MapRequest.Request.EVENT_TIME_FIELD_NUMBER, m.getEventTime());
    size += timestampFieldSize(MapRequest.Request.WATERMARK_FIELD_NUMBER, Math.max(0, watermarkMillis));
    if (headers) {
      for (int i = 0, n = m.getHeadersCount(); i < n; i++) {
        int entry = entrySize(m.getHeaders(i));
        size += CodedOutputStream.computeTagSize(MapRequest.Request.HEADERS_FIELD_NUMBER) + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
      }
    }
    return size;
  }

  /** Writes {@code m}'s request: the {@link #size} bytes, no tag or length before them. */
  static void write(CodedOutputStream out, EdgeMessage m, long watermarkMillis, boolean headers) throws IOException {
    List<String> keys = m.getKeysList();
    for (int i = 0, n = keys.size(); i < n; i++) {
      Utf8Text.write(out, MapRequest.Request.KEYS_FIELD_NUMBER, Utf8Text.at(keys, i));
    }
    ByteString value = m.getValue();
    if (!value.isEmpty()) {
      out.writeBytes(MapRequest.Request.VALUE_FIELD_NUMBER, value);
    }
    writeTimestamp(out, MapRequest.Request.EVENT_TIME_FIELD_NUMBER, m.getEventTime());
    writeTimestamp(out, MapRequest.Request.WATERMARK_FIELD_NUMBER, Math.max(0, watermarkMillis));
    if (headers) {
      for (int i = 0, n = m.getHeadersCount(); i < n; i++) {
        Header h = m.getHeaders(i);
        // A map entry is a message of key (1) and value (2), both written even when empty.
        out.writeTag(MapRequest.Request.HEADERS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(entrySize(h));
        Utf8Text.write(out, 1, Utf8Text.checked(h.getKeyBytes()));
        Utf8Text.write(out, 2, Utf8Text.checked(h.getValueBytes()));
      }
    }
  }

  private static int entrySize(Header h) {
    return Utf8Text.fieldSize(1, Utf8Text.checked(h.getKeyBytes())) + Utf8Text.fieldSize(2, Utf8Text.checked(h.getValueBytes()));
  }

  // A google.protobuf.Timestamp of epoch milliseconds: seconds (1) and non-negative nanos (2), each left out when 0.

  private static long seconds(long epochMillis) {
    return Math.floorDiv(epochMillis, 1000);
  }

  private static int nanos(long epochMillis) {
    return Math.floorMod(epochMillis, 1000) * 1_000_000;
  }

  private static int timestampSize(long epochMillis) {
    long s = seconds(epochMillis);
    int n = nanos(epochMillis);
    return (s == 0 ? 0 : CodedOutputStream.computeInt64Size(1, s)) + (n == 0 ? 0 : CodedOutputStream.computeInt32Size(2, n));
  }

  private static int timestampFieldSize(int field, long epochMillis) {
    int size = timestampSize(epochMillis);
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  private static void writeTimestamp(CodedOutputStream out, int field, long epochMillis) throws IOException {
    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(timestampSize(epochMillis));
    long s = seconds(epochMillis);
    int n = nanos(epochMillis);
    if (s != 0) {
      out.writeInt64(1, s);
    }
    if (n != 0) {
      out.writeInt32(2, n);
    }
  }
}
