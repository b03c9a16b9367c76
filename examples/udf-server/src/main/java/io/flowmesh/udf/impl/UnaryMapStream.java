package io.flowmesh.udf.impl;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.ResponseRewriter;

/**
 * Unary map: each element is mapped as it arrives and answered as soon as its handler
 * completes, in any order. The call ends with OK once the client has half-closed and every
 * element has been answered.
 *
 * <h2>Concurrency</h2>
 * Confined to the event-loop thread that opened the call.
 */
final class UnaryMapStream extends MapStream {

  /** Elements received and not yet answered. */
  private int inFlight;

  UnaryMapStream(MapCall call, MapHandler handler, ResponseRewriter rewriter) {
    super(call, handler, rewriter);
  }

  @Override
  protected void onRequest(MapRequest message) {
    if (message.hasStatus()) {
      return; // an end of transmission means nothing in unary mode
    }
    inFlight++;
    map(Datum.of(message));
  }

  @Override
  protected void onAnswered(String id) {
    inFlight--;
    if (inFlight == 0 && clientEnded()) {
      end();
    }
  }

  @Override
  protected void onClientEnded() {
    if (inFlight == 0) {
      end();
    }
  }
}
