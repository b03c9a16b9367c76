package io.flowmesh.udf.impl;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.flowmesh.udf.MapResult;
import java.util.List;

/** The responses a server writes: handshake, end of transmission, and answers. */
final class Responses {

  /** The answer to the client's handshake. */
  static final MapResponse HANDSHAKE = MapResponse.newBuilder()
      .setHandshake(Handshake.newBuilder().setSot(true))
      .build();

  /** Ends a batch: every id of the batch has been answered. */
  static final MapResponse END_OF_TRANSMISSION = MapResponse.newBuilder()
      .setStatus(TransmissionStatus.newBuilder().setEot(true))
      .build();

  private Responses() {
  }

  /** The one response that answers request {@code id} with these results. */
  static MapResponse answer(String id, List<MapResult> results) {
    MapResponse.Builder response = MapResponse.newBuilder().setId(id);
    for (int i = 0, n = results.size(); i < n; i++) {
      MapResult result = results.get(i);
      MapResponse.Result.Builder wire = response.addResultsBuilder().setValue(result.value());
      if (!result.keys().isEmpty()) {
        wire.addAllKeys(result.keys());
      }
      if (!result.tags().isEmpty()) {
        wire.addAllTags(result.tags());
      }
    }
    return response.build();
  }
}
