package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.runtime.buffer.Utf8Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * One message on an edge: the {@code flowmesh.edge.v1.Message} of edge_messages.proto, as the
 * vertices hold, queue and pass it, with a codec of its own ({@link EdgeFrames} parses,
 * {@link #writeTo} writes) in place of the generated class. What the generated class cost per
 * message, and this one does not: a {@code Builder} behind every parsed or derived message, a
 * mutable {@code LazyStringArrayList} per parsed message with keys or tags, and
 * {@code toBuilder} copies to derive one message from another. The id is held as its UTF-8 bytes,
 * keys and tags as {@link Texts}, and a parsed message's id, value, keys and tags are slices of
 * the frame it arrived in until something reads them as text. Headers (rare) are the generated
 * {@link Header}s, decoded as text when parsed.
 *
 * <p>Getters and builder methods are named as the generated class's, so that code written against
 * one reads the same against the other. Byte for byte, {@link #writeTo} writes what the generated
 * class would for the same fields.
 *
 * <p>Concurrency: immutable (its encoded size is computed once and kept, a benign race).
 */
public final class EdgeMessage {

  private static final EdgeMessage DEFAULT =
      new EdgeMessage(ByteString.EMPTY, ByteString.EMPTY, Texts.EMPTY, 0, List.of(), 0, Texts.EMPTY, false);

  private final ByteString id;
  private final ByteString value;
  private final Texts keys;
  private final long eventTime;
  private final List<Header> headers;
  private final long ingestTime;
  private final Texts tags;
  private final boolean serve;
  /** The encoded size, -1 until computed. */
  private int size = -1;
  /**
   * True when a bytes field may be a slice of a larger array that holding it keeps alive: a message
   * parsed from a frame, or made with {@link #ofSlices}, until {@link #detached} found otherwise.
   * Messages built from arrays of their own or from a permanent pool (a generator's values) are not
   * marked, and never copied.
   */
  private boolean slices;

  EdgeMessage(ByteString id, ByteString value, Texts keys, long eventTime, List<Header> headers, long ingestTime,
      Texts tags, boolean serve) {
    this.id = id;
    this.value = value;
    this.keys = keys;
    this.eventTime = eventTime;
    this.headers = headers;
    this.ingestTime = ingestTime;
    this.tags = tags;
    this.serve = serve;
  }

  /**
   * A message from its fields, none null; {@code keys}, {@code tags} and {@code headers} are kept as
   * given when they are immutable ({@link Texts}; a {@code List.of} or {@code List.copyOf}), copied
   * otherwise.
   */
  public static EdgeMessage of(ByteString id, ByteString value, List<String> keys, long eventTime, List<Header> headers,
      long ingestTime, List<String> tags, boolean serve) {
    return new EdgeMessage(Objects.requireNonNull(id, "id"), Objects.requireNonNull(value, "value"), Texts.of(keys),
        eventTime, List.copyOf(headers), ingestTime, Texts.of(tags), serve);
  }

  /**
   * As {@link #of}, for fields that may be slices of a larger array the message should not keep
   * alive for long (a map's outputs: slices of the frame of UDF answers they came in): held long,
   * it is given bytes of its own ({@link #detached}).
   */
  public static EdgeMessage ofSlices(ByteString id, ByteString value, List<String> keys, long eventTime,
      List<Header> headers, long ingestTime, List<String> tags, boolean serve) {
    EdgeMessage m = of(id, value, keys, eventTime, headers, ingestTime, tags, serve);
    m.slices = true;
    return m;
  }

  /** The message with every field empty. */
  public static EdgeMessage getDefaultInstance() {
    return DEFAULT;
  }

  public static EdgeMessageBuilder newBuilder() {
    return new EdgeMessageBuilder();
  }

  /** A builder holding this message's fields. */
  public EdgeMessageBuilder toBuilder() {
    EdgeMessageBuilder b = new EdgeMessageBuilder();
    b.id = id;
    b.value = value;
    keys.addRawTo(b.keys);
    b.eventTime = eventTime;
    b.headers.addAll(headers);
    b.ingestTime = ingestTime;
    tags.addRawTo(b.tags);
    b.serve = serve;
    return b;
  }

  /**
   * This message with bytes of its own where it held slices of a larger array: its id, value, keys
   * and tags, each copied out of the frame (a whole batch, or a UDF's answers to several calls) it
   * was cut from when holding it would keep more than twice its own bytes alive ({@link Backing}).
   * For a message held much longer than the others of its frame. Equal to this message; itself when
   * nothing needed a copy (then marked, so later calls return at once). Headers are text already
   * (decoded when parsed).
   */
  public EdgeMessage detached() {
    return slices ? detached(new Backing()) : this;
  }

  /** Whether a bytes field may be a slice of a larger array ({@link #detached} may copy). */
  boolean mayPin() {
    return slices;
  }

  /** {@link #detached()} with a probe reused across many messages. */
  EdgeMessage detached(Backing probe) {
    if (!slices) {
      return this;
    }
    ByteString i = own(id, probe);
    ByteString v = own(value, probe);
    Texts k = keys.detached(probe);
    Texts t = tags.detached(probe);
    if (i == id && v == value && k == keys && t == tags) {
      slices = false; // a fact about immutable fields, like the cached size: a racing reader at worst probes again
      return this;
    }
    EdgeMessage m = new EdgeMessage(i, v, k, eventTime, headers, ingestTime, t, serve);
    m.size = size;
    return m;
  }

  private static ByteString own(ByteString b, Backing probe) {
    return probe.pinsMore(b) ? Backing.copy(b) : b;
  }

  /** The id as text (decoded on each call: {@link #getIdBytes} is the held form). */
  public String getId() {
    return id.toStringUtf8();
  }

  public ByteString getIdBytes() {
    return id;
  }

  public ByteString getValue() {
    return value;
  }

  public Texts getKeysList() {
    return keys;
  }

  public int getKeysCount() {
    return keys.size();
  }

  public String getKeys(int i) {
    return keys.get(i);
  }

  public ByteString getKeysBytes(int i) {
    return keys.bytes(i);
  }

  /** Event time, epoch milliseconds. */
  public long getEventTime() {
    return eventTime;
  }

  public List<Header> getHeadersList() {
    return headers;
  }

  public int getHeadersCount() {
    return headers.size();
  }

  public Header getHeaders(int i) {
    return headers.get(i);
  }

  /** Ingest time, epoch milliseconds. */
  public long getIngestTime() {
    return ingestTime;
  }

  public Texts getTagsList() {
    return tags;
  }

  public int getTagsCount() {
    return tags.size();
  }

  public String getTags(int i) {
    return tags.get(i);
  }

  public boolean getServe() {
    return serve;
  }

  // ---- wire form ----

  /** The encoded size, without a field tag or length before it; computed once. */
  public int getSerializedSize() {
    int s = size;
    if (s >= 0) {
      return s;
    }
    s = 0;
    if (!id.isEmpty()) {
      s += CodedOutputStream.computeBytesSize(Message.ID_FIELD_NUMBER, id);
    }
    if (!value.isEmpty()) {
      s += CodedOutputStream.computeBytesSize(Message.VALUE_FIELD_NUMBER, value);
    }
    for (int i = 0, n = keys.size(); i < n; i++) {
      s += Utf8Text.fieldSize(Message.KEYS_FIELD_NUMBER, keys.raw(i));
    }
    if (eventTime != 0) {
      s += CodedOutputStream.computeInt64Size(Message.EVENT_TIME_FIELD_NUMBER, eventTime);
    }
    for (int i = 0, n = headers.size(); i < n; i++) {
      s += CodedOutputStream.computeMessageSize(Message.HEADERS_FIELD_NUMBER, headers.get(i));
    }
    if (ingestTime != 0) {
      s += CodedOutputStream.computeInt64Size(Message.INGEST_TIME_FIELD_NUMBER, ingestTime);
    }
    for (int i = 0, n = tags.size(); i < n; i++) {
      s += Utf8Text.fieldSize(Message.TAGS_FIELD_NUMBER, tags.raw(i));
    }
    if (serve) {
      s += CodedOutputStream.computeBoolSize(Message.SERVE_FIELD_NUMBER, true);
    }
    size = s;
    return s;
  }

  /** Writes the message's fields ({@link #getSerializedSize} bytes), no tag or length before them. */
  public void writeTo(CodedOutputStream out) throws IOException {
    if (!id.isEmpty()) {
      out.writeBytes(Message.ID_FIELD_NUMBER, id);
    }
    if (!value.isEmpty()) {
      out.writeBytes(Message.VALUE_FIELD_NUMBER, value);
    }
    for (int i = 0, n = keys.size(); i < n; i++) {
      Utf8Text.write(out, Message.KEYS_FIELD_NUMBER, keys.raw(i));
    }
    if (eventTime != 0) {
      out.writeInt64(Message.EVENT_TIME_FIELD_NUMBER, eventTime);
    }
    for (int i = 0, n = headers.size(); i < n; i++) {
      out.writeMessage(Message.HEADERS_FIELD_NUMBER, headers.get(i));
    }
    if (ingestTime != 0) {
      out.writeInt64(Message.INGEST_TIME_FIELD_NUMBER, ingestTime);
    }
    for (int i = 0, n = tags.size(); i < n; i++) {
      Utf8Text.write(out, Message.TAGS_FIELD_NUMBER, tags.raw(i));
    }
    if (serve) {
      out.writeBool(Message.SERVE_FIELD_NUMBER, true);
    }
  }

  /** The encoded message in a new array. */
  public byte[] toByteArray() {
    byte[] b = new byte[getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(b);
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding an edge message into an array of its size", e);
    }
    out.checkNoSpaceLeft();
    return b;
  }

  public ByteString toByteString() {
    return UnsafeByteOperations.unsafeWrap(toByteArray());
  }

  /** Parses an encoded message (its bytes fields copied out of {@code bytes}). */
  public static EdgeMessage parseFrom(byte[] bytes) throws InvalidProtocolBufferException {
    return parseFrom(CodedInputStream.newInstance(bytes));
  }

  /** Parses an encoded message; its bytes fields may be slices of {@code bytes}. */
  public static EdgeMessage parseFrom(ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    in.enableAliasing(true);
    return parseFrom(in);
  }

  /** Parses an encoded message, all that is left of {@code in}; its bytes fields are slices where {@code in} aliases. */
  public static EdgeMessage parseFrom(CodedInputStream in) throws InvalidProtocolBufferException {
    try {
      EdgeMessage m = EdgeFrames.message(in);
      in.checkLastTagWas(0);
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  /** As the generated class (for a peer or a test that speaks the generated types). */
  public Message toProto() {
    try {
      return Message.parseFrom(toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an edge message that its generated class cannot read", e);
    }
  }

  /** From the generated class. */
  public static EdgeMessage fromProto(Message m) {
    try {
      return parseFrom(m.toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a generated edge message that does not parse", e);
    }
  }

  static EdgeMessage parsed(ByteString id, ByteString value, Texts keys, long eventTime, List<Header> headers,
      long ingestTime, Texts tags, boolean serve) {
    EdgeMessage m = new EdgeMessage(id, value, keys, eventTime, headers, ingestTime, tags, serve);
    m.slices = true;
    return m;
  }

  // ---- value semantics ----

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    return o instanceof EdgeMessage m && eventTime == m.eventTime && ingestTime == m.ingestTime && serve == m.serve
        && id.equals(m.id) && value.equals(m.value) && keys.equals(m.keys) && tags.equals(m.tags)
        && headers.equals(m.headers);
  }

  @Override
  public int hashCode() {
    int h = id.hashCode();
    h = 31 * h + value.hashCode();
    h = 31 * h + keys.hashCode();
    h = 31 * h + Long.hashCode(eventTime);
    h = 31 * h + headers.hashCode();
    h = 31 * h + Long.hashCode(ingestTime);
    h = 31 * h + tags.hashCode();
    return 31 * h + Boolean.hashCode(serve);
  }

  /** For logs and test failures: the id, the value's size, and the fields that are set. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("EdgeMessage{id=").append(getId()).append(", value=").append(value.size()).append(" bytes");
    if (!keys.isEmpty()) {
      s.append(", keys=").append(keys);
    }
    if (eventTime != 0) {
      s.append(", eventTime=").append(eventTime);
    }
    if (!headers.isEmpty()) {
      s.append(", headers=").append(MessageHeaders.toMap(this));
    }
    if (ingestTime != 0) {
      s.append(", ingestTime=").append(ingestTime);
    }
    if (!tags.isEmpty()) {
      s.append(", tags=").append(tags);
    }
    if (serve) {
      s.append(", serve");
    }
    return s.append('}').toString();
  }
}
