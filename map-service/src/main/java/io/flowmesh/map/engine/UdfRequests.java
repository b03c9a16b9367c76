package io.flowmesh.map.engine;

import com.google.protobuf.Timestamp;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.map.v1.MapRequest;

/**
 * Builds map.v1 requests from edge messages, for one engine.
 *
 * <p>Each request carries two {@link Timestamp}s. Consecutive elements nearly always share the
 * watermark, and at tens of thousands of elements per second many share the event-time
 * millisecond too, so the last {@code Timestamp} of each is kept and reused (they are immutable):
 * two messages fewer to allocate per element in the common case.
 *
 * <p>Concurrency: used on its engine's event loop only.
 */
final class UdfRequests {

  private long eventTimeMillis = Long.MIN_VALUE;
  private Timestamp eventTime;
  private long watermarkMillis = Long.MIN_VALUE;
  private Timestamp watermark;

  MapRequest.Request of(Message m, long watermarkMillis) {
    MapRequest.Request.Builder b = MapRequest.Request.newBuilder()
        .setValue(m.getValue())
        .setEventTime(eventTime(m.getEventTime()))
        .setWatermark(watermark(Math.max(0, watermarkMillis)));
    // addAll/putAll iterate (and allocate) even when empty, which is the common case, per element.
    if (m.getKeysCount() > 0) {
      b.addAllKeys(m.getKeysList());
    }
    if (m.getHeadersCount() > 0) {
      b.putAllHeaders(m.getHeadersMap());
    }
    return b.build();
  }

  private Timestamp eventTime(long millis) {
    if (eventTime == null || millis != eventTimeMillis) {
      eventTime = timestamp(millis);
      eventTimeMillis = millis;
    }
    return eventTime;
  }

  private Timestamp watermark(long millis) {
    if (watermark == null || millis != watermarkMillis) {
      watermark = timestamp(millis);
      watermarkMillis = millis;
    }
    return watermark;
  }

  static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000).build();
  }
}
