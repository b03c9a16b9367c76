package io.flowmesh.runtime.edge;

import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's edge as the upstream sees it: its credit, its unacked messages, its stream.
 *
 * <p>Concurrency: owned by its {@link EdgeServer}'s event loop.
 */
final class Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

  final EdgeCall call;
  final String remote;
  final CreditBalance credit = new CreditBalance();
  final UnackedWindow unacked;
  /** The outbound edge it reads: set at open (one edge) or at its hello (named edges). */
  OutboundEdge edge;
  String subscriberId = "?";
  String vertex = "?";
  boolean helloReceived;
  boolean closed;
  boolean responseEnded;
  long lastSendNanos;
  long lastWatermarkSent = Watermarks.NONE;
  long sent;
  long acked;

  Subscription(EdgeCall call, int maxUnackedSpan) {
    this.call = call;
    this.remote = String.valueOf(call.connection().remoteAddress());
    this.unacked = new UnackedWindow(0, maxUnackedSpan);
  }

  /** Ends the stream towards the subscriber once, with a status; a stream already reset is left alone. */
  void endResponse(GrpcStatus status, String message) {
    if (responseEnded) {
      return;
    }
    responseEnded = true;
    try {
      call.end(status, message);
    } catch (IllegalStateException e) {
      LOG.debug("edge stream already closed subscriber={}: {}", name(), io.flowmesh.runtime.errors.Reasons.of(e));
    }
  }

  /** Said hello, not closed, and its response not ended (an ended response may not even be asked whether it is full). */
  boolean open() {
    return helloReceived && !closed && !responseEnded;
  }

  boolean canSend() {
    return open() && credit.available() > 0 && unacked.room() > 0 && !call.writeQueueFull();
  }

  String name() {
    return vertex + "/" + subscriberId + "@" + remote;
  }

  JsonObject status() {
    return new JsonObject()
        .put("subscriber", subscriberId)
        .put("vertex", vertex)
        .put("remote", remote)
        .put("credit", credit.available() == Long.MAX_VALUE ? -1 : credit.available())
        .put("unacked", unacked.count())
        .put("sent", sent)
        .put("acked", acked);
  }
}
