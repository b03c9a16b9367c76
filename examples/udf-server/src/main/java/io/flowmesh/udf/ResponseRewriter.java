package io.flowmesh.udf;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import java.util.List;

/**
 * A wire-level hook that sees each element's answer before it is written and decides what is
 * written instead: for test tools that must misbehave (answer an unknown id, answer twice).
 * Ordinary UDFs never need one. Handshake and end-of-transmission responses are not passed.
 *
 * <h2>Concurrency</h2>
 * Called on the server's event loop; must not block.
 */
@FunctionalInterface
public interface ResponseRewriter {

  /**
   * @param answer the answer the server is about to write
   * @return the responses to write in its place, in order; empty writes nothing
   */
  List<MapResponse> rewrite(MapResponse answer);
}
