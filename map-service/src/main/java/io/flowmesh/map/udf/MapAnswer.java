package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.flowmesh.runtime.udf.UdfResponses;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code map.v1 MapResponse} as the dispatchers read it: the id as the number of an attempt,
 * the results, and whether it carries a handshake or an EOT. {@link MapAnswerDecoder} reads it
 * from the wire without building the generated message.
 *
 * <h2>Concurrency</h2>
 * Made on the client's event loop and handed to one dispatcher, which may keep its {@link #results}
 * (stream-map adds the next answers' results to that list): not shared, and not immutable.
 */
public final class MapAnswer {

  /** {@link #id} of an answer without id (the field empty or absent). */
  static final long NO_ID = 0;
  /** {@link #id} of an answer whose id is text no attempt of ours was given ({@link InFlight#number}). */
  static final long FOREIGN_ID = -1;

  /** The id's number, or {@link #NO_ID}, or {@link #FOREIGN_ID}. */
  final long id;
  /** The id's text when it is {@link #FOREIGN_ID}, else null. */
  private final String foreignId;
  final List<UdfResult> results;
  /** The {@code handshake} field is present. */
  final boolean hasHandshake;
  /** {@code handshake.sot}. */
  final boolean sot;
  /** The {@code status} field is present. */
  final boolean hasStatus;
  /** {@code status.eot}. */
  final boolean eot;

  MapAnswer(long id, String foreignId, List<UdfResult> results, boolean hasHandshake, boolean sot,
      boolean hasStatus, boolean eot) {
    this.id = id;
    this.foreignId = foreignId;
    this.results = results;
    this.hasHandshake = hasHandshake;
    this.sot = sot;
    this.hasStatus = hasStatus;
    this.eot = eot;
  }

  /** The answer a generated {@code MapResponse} carries. */
  static MapAnswer of(MapResponse r) {
    String text = r.getId();
    long id = text.isEmpty() ? NO_ID : InFlight.number(text);
    List<UdfResult> results;
    int n = r.getResultsCount();
    if (n == 0) {
      results = List.of();
    } else if (n == 1) {
      results = List.of(result(r.getResults(0)));
    } else {
      ArrayList<UdfResult> all = new ArrayList<>(n);
      for (MapResponse.Result x : r.getResultsList()) {
        all.add(result(x));
      }
      results = all;
    }
    return new MapAnswer(id, id == FOREIGN_ID ? text : null, results, r.hasHandshake(),
        r.getHandshake().getSot(), r.hasStatus(), r.getStatus().getEot());
  }

  private static UdfResult result(MapResponse.Result r) {
    return new UdfResult(r.getKeysCount() == 0 ? List.of() : r.getKeysList(), r.getValue(),
        r.getTagsCount() == 0 ? List.of() : r.getTagsList());
  }

  /** True if it carries an id (a number of ours or not). */
  boolean hasId() {
    return id != NO_ID;
  }

  /** {@code status{eot: true}}. */
  boolean isEot() {
    return hasStatus && eot;
  }

  /** {@code handshake{sot: true}}: the answer to a stream's handshake. */
  boolean isHandshake() {
    return hasHandshake && sot;
  }

  /** The id as the UDF wrote it; empty for none. */
  String idText() {
    return id == FOREIGN_ID ? foreignId : id == NO_ID ? "" : Long.toString(id);
  }

  /** The generated message with the same fields (for {@link #describe} and tests). */
  MapResponse toResponse() {
    MapResponse.Builder b = MapResponse.newBuilder().setId(idText());
    for (UdfResult r : results) {
      b.addResults(MapResponse.Result.newBuilder().addAllKeys(r.keys()).setValue(r.value()).addAllTags(r.tags()));
    }
    if (hasHandshake) {
      b.setHandshake(Handshake.newBuilder().setSot(sot));
    }
    if (hasStatus) {
      b.setStatus(TransmissionStatus.newBuilder().setEot(eot));
    }
    return b.build();
  }

  /** A short, bounded description for logs and errors, in protobuf's text format. */
  String describe() {
    return UdfResponses.describe(toResponse());
  }

  @Override
  public String toString() {
    return describe();
  }
}
