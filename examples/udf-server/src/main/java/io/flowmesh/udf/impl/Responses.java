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
      add(response, results.get(i));
    }
    return response.build();
  }

  /** A response carrying one result of request {@code id} (stream-map). */
  static MapResponse answer(String id, MapResult result) {
    MapResponse.Builder response = MapResponse.newBuilder().setId(id);
    add(response, result);
    return response.build();
  }

  /** Ends request {@code id} in stream-map: every result for it has been sent. */
  static MapResponse endOf(String id) {
    return MapResponse.newBuilder().setId(id).setStatus(TransmissionStatus.newBuilder().setEot(true)).build();
  }

  private static void add(MapResponse.Builder response, MapResult result) {
    // A built Result added to the list; addResultsBuilder() would set up a field builder per result.
    MapResponse.Result.Builder wire = MapResponse.Result.newBuilder().setValue(result.value());
    if (!result.keys().isEmpty()) {
      wire.addAllKeys(result.keys());
    }
    if (!result.tags().isEmpty()) {
      wire.addAllTags(result.tags());
    }
    response.addResults(wire.build());
  }
}
