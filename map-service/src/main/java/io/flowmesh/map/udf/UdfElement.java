package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.MapRequest;

/**
 * One element handed to the UDF. The engine's in-flight record implements this, so the
 * client allocates nothing of its own to remember what it was given.
 *
 * <p>The client compares elements by identity and never calls {@code equals} or
 * {@code hashCode} on them.
 */
public interface UdfElement {

  /**
   * The request to send, built once by the engine; the client adds the id on the wire
   * and sends the same request again when it retries.
   */
  MapRequest.Request request();
}
