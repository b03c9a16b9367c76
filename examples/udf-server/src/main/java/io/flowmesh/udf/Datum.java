package io.flowmesh.udf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One element to map: its keys, value, event time, watermark, headers and request id.
 *
 * <p>A thin view over the request as it came off the wire: nothing is copied until asked for
 * ({@link #valueArray()} copies, {@link #value()} does not).
 *
 * <h2>Concurrency</h2>
 * Immutable; safe to use from any thread.
 */
public final class Datum {

  private final String id;
  private final MapRequest.Request request;

  private Datum(String id, MapRequest.Request request) {
    this.id = Objects.requireNonNull(id, "id");
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The element carried by a {@code MapRequest}. */
  public static Datum of(MapRequest request) {
    return new Datum(request.getId(), request.getRequest());
  }

  /** An element with this id, keys and UTF-8 value, and no times or headers: for tests. */
  public static Datum of(String id, List<String> keys, String value) {
    return new Datum(id, MapRequest.Request.newBuilder()
        .addAllKeys(keys)
        .setValue(ByteString.copyFromUtf8(value))
        .build());
  }

  /** The request id the answer must carry; unique among the elements in flight. */
  public String id() {
    return id;
  }

  /** The element's keys, unmodifiable; possibly empty. */
  public List<String> keys() {
    return request.getKeysList();
  }

  /** The element's value, without copying. */
  public ByteString value() {
    return request.getValue();
  }

  /** A copy of the element's value. */
  public byte[] valueArray() {
    return request.getValue().toByteArray();
  }

  /** The element's value decoded as UTF-8. */
  public String valueUtf8() {
    return request.getValue().toString(StandardCharsets.UTF_8);
  }

  /** When the element happened, as its source said; the epoch when not given. */
  public Instant eventTime() {
    return toInstant(request.getEventTime());
  }

  /** The watermark when the element was read; the epoch when not given. */
  public Instant watermark() {
    return toInstant(request.getWatermark());
  }

  /** The element's headers, unmodifiable; possibly empty. */
  public Map<String, String> headers() {
    return request.getHeadersMap();
  }

  private static Instant toInstant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Override
  public String toString() {
    return "Datum[id=" + id + ", keys=" + keys() + ", valueBytes=" + value().size() + "]";
  }
}
