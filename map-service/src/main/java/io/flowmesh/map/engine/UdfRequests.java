package io.flowmesh.map.engine;

import com.google.protobuf.Timestamp;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.map.v1.MapRequest;

/** Builds map.v1 requests from edge messages. */
final class UdfRequests {

  private UdfRequests() {
  }

  static MapRequest.Request of(Message m, long watermark) {
    return MapRequest.Request.newBuilder()
        .addAllKeys(m.getKeysList())
        .setValue(m.getValue())
        .setEventTime(timestamp(m.getEventTime()))
        .setWatermark(timestamp(Math.max(0, watermark)))
        .putAllHeaders(m.getHeadersMap())
        .build();
  }

  static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000).build();
  }
}
