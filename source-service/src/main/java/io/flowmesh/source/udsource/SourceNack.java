package io.flowmesh.source.udsource;

import io.flowmesh.proto.udf.source.v1.NackRequest;
import io.flowmesh.proto.udf.source.v1.NackResponse;
import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfHealth;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code NackFn}: hands offsets the source read and will not deliver back to the UDF, so the
 * user's source can give those records to the next reader at once instead of after its own
 * timeout. One {@code NackRequest.Request} per offset, as Numaflow's core sends them. A UDF
 * without {@code NackFn} (the Java SDK 0.9.2 has none) answers UNIMPLEMENTED: that turns nack off
 * for the connection with one INFO line, and is no error; the records come again on the UDF's
 * own terms (its redelivery of unacked offsets). Any other failure is one WARN line.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop.
 */
final class SourceNack {

  private static final Logger LOG = LoggerFactory.getLogger(SourceNack.class);

  private final UdfChannel channel;
  private final UnaryCall<NackResponse> call;
  private final UdSourceMetrics metrics;
  /** False once the UDF answered UNIMPLEMENTED, until a new connection. */
  private boolean supported = true;

  SourceNack(UdfChannel channel, long timeoutMillis, UdSourceMetrics metrics) {
    this.channel = channel;
    this.call = new UnaryCall<>(channel, "NackFn", NackResponse.parser(), timeoutMillis);
    this.metrics = metrics;
  }

  /** The streams were opened again (the UDF may have been replaced): ask again whether it has {@code NackFn}. */
  void reconnected() {
    supported = true;
  }

  /**
   * Nacks {@code offsets} (nothing to do when empty or nack is off); completes, never failed, once
   * the UDF answered or the call failed. {@code why} says, for the log, why they are given up.
   */
  Future<Void> nack(List<Offset> offsets, String why) {
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!supported) {
      LOG.debug("udsource at {}: {} offsets not nacked (no NackFn)", channel.address(), offsets.size());
      return Future.succeededFuture();
    }
    NackRequest.Builder b = NackRequest.newBuilder();
    for (Offset o : offsets) {
      b.addRequest(NackRequest.Request.newBuilder().addOffsets(o));
    }
    return call.call(b.build()).<Void>transform(ar -> {
      if (ar.succeeded()) {
        metrics.nacked(offsets.size());
        LOG.info("udsource at {}: nacked {} offsets read and not acked ({})", channel.address(), offsets.size(), why);
      } else if (ar.cause() instanceof UnaryCall.StatusException e && e.code() == UnaryCall.UNIMPLEMENTED) {
        supported = false;
        LOG.info("udsource at {} has no NackFn (UNIMPLEMENTED; SDK 0.9.2 has none): nack is off on this connection, "
            + "the {} offsets read and not acked ({}) come again when the source redelivers them", channel.address(),
            offsets.size(), why);
      } else {
        LOG.warn("udsource at {}: NackFn of {} offsets read and not acked ({}) failed: {}; the source redelivers them on "
            + "its own terms", channel.address(), offsets.size(), why, UdfHealth.shortCause(ar.cause()));
      }
      return Future.succeededFuture();
    });
  }
}
