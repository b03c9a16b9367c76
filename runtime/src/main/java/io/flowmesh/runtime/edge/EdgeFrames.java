package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.buffer.ProtoInput;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses an upstream's frames ({@code UpstreamFrame}: a batch of {@link EdgeMessage}s or a
 * watermark) by hand, as protobuf's rules have them: fields in any order, unknown fields skipped, a
 * field of the wrong wire type treated as unknown, a message field given twice merged, a scalar given
 * twice the last one. Values, ids, keys and tags are slices of the frame ({@link ProtoInput#aliasing}),
 * not copies, when the frame is an unpooled heap buffer, as Vert.x hands each DATA frame over
 * (copies otherwise). Per message: the message, its slices, and for keys or tags an array and its
 * {@link Texts}; headers (rare) are decoded to Strings in generated {@link Header}s. A stray
 * end-group tag anywhere refuses the frame (the generated parser, fed a reader, ignored what
 * followed it at the top level).
 *
 * <p>Concurrency: stateless.
 */
public final class EdgeFrames {

  private static final int FRAME_BATCH = tag(UpstreamFrame.BATCH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int FRAME_WATERMARK = tag(UpstreamFrame.WATERMARK_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int BATCH_FIRST_SEQ = tag(Batch.FIRST_SEQ_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int BATCH_MESSAGES = tag(Batch.MESSAGES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int BATCH_WATERMARK = tag(Batch.WATERMARK_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int ID = tag(Message.ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int VALUE = tag(Message.VALUE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int KEYS = tag(Message.KEYS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int EVENT_TIME = tag(Message.EVENT_TIME_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int HEADERS = tag(Message.HEADERS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int INGEST_TIME = tag(Message.INGEST_TIME_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int TAGS = tag(Message.TAGS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int SERVE = tag(Message.SERVE_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int HEADER_KEY = tag(Header.KEY_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int HEADER_VALUE = tag(Header.VALUE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  private EdgeFrames() {
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /** An upstream frame as read: a batch, a watermark, or neither (an empty frame, the caller's to refuse). */
  public static final class Inbound {
    /** Which of the frame's oneof was set last: a batch or a watermark; neither if false for both. */
    boolean batch;
    boolean watermarkOnly;
    long firstSeq;
    /** The batch's watermark, or the watermark frame's. */
    long watermark;
    final List<EdgeMessage> messages = new ArrayList<>();

    /** The batch's messages (empty for a watermark frame). */
    public List<EdgeMessage> messages() {
      return messages;
    }
  }

  /**
   * Parses one frame.
   *
   * @throws InvalidProtocolBufferException with a reason for a malformed frame
   */
  public static Inbound parse(Buffer frame) throws InvalidProtocolBufferException {
    CodedInputStream in = ProtoInput.aliasing(frame);
    Inbound f = new Inbound();
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == FRAME_BATCH) {
          if (!f.batch) {
            // A oneof member replaces the other; the same one again merges into it.
            f.batch = true;
            f.watermarkOnly = false;
            f.watermark = 0;
          }
          int old = pushLength(in);
          batch(in, f);
          in.checkLastTagWas(0);
          in.popLimit(old);
        } else if (tag == FRAME_WATERMARK) {
          if (!f.watermarkOnly) {
            f.watermarkOnly = true;
            f.batch = false;
            f.firstSeq = 0;
            f.watermark = 0;
            f.messages.clear();
          }
          int old = pushLength(in);
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == tag(1, WireFormat.WIRETYPE_VARINT)) {
              f.watermark = in.readInt64();
            } else if (!in.skipField(t)) {
              break;
            }
          }
          in.checkLastTagWas(0);
          in.popLimit(old);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return f;
  }

  private static void batch(CodedInputStream in, Inbound f) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == BATCH_MESSAGES) {
        int old = pushLength(in);
        f.messages.add(message(in));
        in.checkLastTagWas(0);
        in.popLimit(old);
      } else if (tag == BATCH_FIRST_SEQ) {
        f.firstSeq = in.readUInt64();
      } else if (tag == BATCH_WATERMARK) {
        f.watermark = in.readInt64();
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  /** Reads a message's fields up to the stream's current limit (or an end-group tag, which the caller then refuses). */
  static EdgeMessage message(CodedInputStream in) throws IOException {
    ByteString id = ByteString.EMPTY;
    ByteString value = ByteString.EMPTY;
    Object[] keys = null;
    int keyCount = 0;
    long eventTime = 0;
    List<Header> headers = null;
    long ingestTime = 0;
    Object[] tags = null;
    int tagCount = 0;
    boolean serve = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == ID) {
        id = in.readBytes();
      } else if (tag == VALUE) {
        value = in.readBytes();
      } else if (tag == KEYS) {
        keys = grow(keys, keyCount);
        keys[keyCount++] = in.readBytes();
      } else if (tag == EVENT_TIME) {
        eventTime = in.readInt64();
      } else if (tag == HEADERS) {
        if (headers == null) {
          headers = new ArrayList<>(2);
        }
        int old = pushLength(in);
        headers.add(header(in));
        in.checkLastTagWas(0);
        in.popLimit(old);
      } else if (tag == INGEST_TIME) {
        ingestTime = in.readInt64();
      } else if (tag == TAGS) {
        tags = grow(tags, tagCount);
        tags[tagCount++] = in.readBytes();
      } else if (tag == SERVE) {
        serve = in.readBool();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return EdgeMessage.parsed(id, value, keys == null ? Texts.EMPTY : Texts.own(keys, keyCount), eventTime,
        headers == null ? List.of() : List.copyOf(headers), ingestTime, tags == null ? Texts.EMPTY : Texts.own(tags, tagCount), serve);
  }

  /**
   * A header, its key and value decoded as text (leniently: U+FFFD for bytes that are not UTF-8),
   * so that a message derived from this one and kept does not keep the frame alive through them.
   */
  private static Header header(CodedInputStream in) throws IOException {
    String key = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == HEADER_KEY) {
        key = in.readString();
      } else if (tag == HEADER_VALUE) {
        value = in.readString();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return Header.newBuilder().setKey(key).setValue(value).build();
  }

  private static int pushLength(CodedInputStream in) throws IOException {
    return in.pushLimit(in.readRawVarint32());
  }

  private static Object[] grow(Object[] a, int used) {
    if (a == null) {
      return new Object[1];
    }
    return used < a.length ? a : Arrays.copyOf(a, used * 2);
  }
}
