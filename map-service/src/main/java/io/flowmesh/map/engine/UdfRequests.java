package io.flowmesh.map.engine;

import com.google.protobuf.Timestamp;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.map.v1.MapRequest;

/** Builds map.v1 requests from edge messages. */
final class UdfRequests {

  private UdfRequests() {
  }

  static MapRequest.Request of(Message m, long watermark) {
    MapRequest.Request.Builder b = MapRequest.Request.newBuilder()
        .setValue(m.getValue())
        .setEventTime(timestamp(m.getEventTime()))
        .setWatermark(timestamp(Math.max(0, watermark)));
    // addAll/putAll iterate (and allocate) even when empty, which is the common case, per element.
    if (m.getKeysCount() > 0) {
      b.addAllKeys(m.getKeysList());
    }
    if (m.getHeadersCount() > 0) {
      b.putAllHeaders(m.getHeadersMap());
    }
    return b.build();
  }

  static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000).build();
  }
}
