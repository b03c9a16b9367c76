package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an {@link EdgeMessage}, with the generated builder's method names ({@link EdgeMessage#newBuilder},
 * {@link EdgeMessage#toBuilder}); not for the per-message hot path, where {@link EdgeMessage#of} builds
 * a message in one object.
 *
 * <p>Concurrency: not thread-safe.
 */
public final class EdgeMessageBuilder {

  ByteString id = ByteString.EMPTY;
  ByteString value = ByteString.EMPTY;
  /** Strings or UTF-8 ByteStrings, as {@link Texts} holds them. */
  final ArrayList<Object> keys = new ArrayList<>(1);
  long eventTime;
  final ArrayList<Header> headers = new ArrayList<>(0);
  long ingestTime;
  final ArrayList<Object> tags = new ArrayList<>(0);
  boolean serve;

  EdgeMessageBuilder() {
  }

  public EdgeMessageBuilder setId(String v) {
    id = ByteString.copyFromUtf8(v);
    return this;
  }

  public EdgeMessageBuilder setIdBytes(ByteString v) {
    id = nonNull(v);
    return this;
  }

  public EdgeMessageBuilder setValue(ByteString v) {
    value = nonNull(v);
    return this;
  }

  public EdgeMessageBuilder addKeys(String v) {
    keys.add(nonNull(v));
    return this;
  }

  /** A key as its UTF-8 bytes, kept as they are (not checked). */
  public EdgeMessageBuilder addKeysBytes(ByteString v) {
    keys.add(nonNull(v));
    return this;
  }

  public EdgeMessageBuilder addAllKeys(Iterable<String> vs) {
    for (String v : vs) {
      keys.add(nonNull(v));
    }
    return this;
  }

  public EdgeMessageBuilder clearKeys() {
    keys.clear();
    return this;
  }

  public EdgeMessageBuilder setEventTime(long v) {
    eventTime = v;
    return this;
  }

  public EdgeMessageBuilder addHeaders(Header h) {
    headers.add(nonNull(h));
    return this;
  }

  public EdgeMessageBuilder addHeaders(Header.Builder h) {
    return addHeaders(h.build());
  }

  public EdgeMessageBuilder addAllHeaders(Iterable<Header> hs) {
    for (Header h : hs) {
      addHeaders(h);
    }
    return this;
  }

  public EdgeMessageBuilder clearHeaders() {
    headers.clear();
    return this;
  }

  public EdgeMessageBuilder setIngestTime(long v) {
    ingestTime = v;
    return this;
  }

  public EdgeMessageBuilder addTags(String v) {
    tags.add(nonNull(v));
    return this;
  }

  /** A tag as its UTF-8 bytes, kept as they are (not checked). */
  public EdgeMessageBuilder addTagsBytes(ByteString v) {
    tags.add(nonNull(v));
    return this;
  }

  public EdgeMessageBuilder addAllTags(Iterable<String> vs) {
    for (String v : vs) {
      tags.add(nonNull(v));
    }
    return this;
  }

  public EdgeMessageBuilder clearTags() {
    tags.clear();
    return this;
  }

  public EdgeMessageBuilder setServe(boolean v) {
    serve = v;
    return this;
  }

  public String getId() {
    return id.toStringUtf8();
  }

  public ByteString getValue() {
    return value;
  }

  public List<String> getKeysList() {
    return Texts.own(keys.toArray(), keys.size());
  }

  public long getEventTime() {
    return eventTime;
  }

  public List<Header> getHeadersList() {
    return List.copyOf(headers);
  }

  public long getIngestTime() {
    return ingestTime;
  }

  public List<String> getTagsList() {
    return Texts.own(tags.toArray(), tags.size());
  }

  public boolean getServe() {
    return serve;
  }

  /** A builder of its own with this one's fields (what is added to either later is not seen by the other). */
  @Override
  public EdgeMessageBuilder clone() {
    EdgeMessageBuilder b = new EdgeMessageBuilder();
    b.id = id;
    b.value = value;
    b.keys.addAll(keys);
    b.eventTime = eventTime;
    b.headers.addAll(headers);
    b.ingestTime = ingestTime;
    b.tags.addAll(tags);
    b.serve = serve;
    return b;
  }

  public EdgeMessage build() {
    return new EdgeMessage(id, value, Texts.own(keys.toArray(), keys.size()), eventTime,
        headers.isEmpty() ? List.of() : List.copyOf(headers), ingestTime, Texts.own(tags.toArray(), tags.size()), serve);
  }

  private static <T> T nonNull(T v) {
    if (v == null) {
      throw new NullPointerException("an edge message field set to null");
    }
    return v;
  }
}
