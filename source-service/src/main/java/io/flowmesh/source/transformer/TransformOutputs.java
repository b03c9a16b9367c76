package io.flowmesh.source.transformer;

import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformResponse;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.source.engine.EventTimeWatermark;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The results of answered inputs on their way to the edge: a result tagged
 * {@link TransformStage#DROP} is dropped; the kept ones of input {@code id} become messages
 * {@code id} (exactly one kept) or {@code id/<index>}, with the result's event time (the input's
 * when unset), keys, value and tags and the input's headers, ingest time and serving mark. What the edge's queue
 * has no room for waits in a backlog, in order, until {@link #pull()}. The event times seen make
 * the transformer's watermark.
 *
 * <h2>Concurrency</h2>
 * Confined to the source verticle's event loop.
 */
final class TransformOutputs {

  private final EdgeServer server;
  private final EventTimeWatermark watermark;
  /** Outputs the edge's queue had no room for, each with its input: {message, pending}. */
  private final ArrayDeque<Object[]> backlog = new ArrayDeque<>();

  TransformOutputs(EdgeServer server, Duration maxDelay, Duration idleTimeout) {
    this.server = server;
    this.watermark = new EventTimeWatermark(maxDelay.toMillis(), idleTimeout.toNanos(), System.nanoTime());
  }

  /** Results not dropped. */
  static int kept(List<SourceTransformResponse.Result> results) {
    int kept = 0;
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).getTagsList().contains(TransformStage.DROP)) {
        kept++;
      }
    }
    return kept;
  }

  /** Puts the {@code kept} results not dropped of {@code p}'s answer on the edge (or in the backlog). */
  void put(TransformInput p, List<SourceTransformResponse.Result> results, int kept) {
    EdgeMessage in = p.input;
    int index = 0;
    long nowMillis = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    for (int i = 0; i < results.size(); i++) {
      SourceTransformResponse.Result r = results.get(i);
      if (!r.getTagsList().contains(TransformStage.DROP)) {
        long eventTime = r.hasEventTime()
            ? r.getEventTime().getSeconds() * 1000 + r.getEventTime().getNanos() / 1_000_000 : in.getEventTime();
        watermark.seen(eventTime, nowMillis, nowNanos);
        EdgeMessageBuilder b = EdgeMessage.newBuilder().setId(kept == 1 ? in.getId() : in.getId() + "/" + index).setValue(r.getValue())
            .setEventTime(eventTime).setIngestTime(in.getIngestTime()).setServe(in.getServe());
        // an empty list is not added: the builder would allocate a list for it all the same
        if (r.getKeysCount() > 0) {
          b.addAllKeys(r.getKeysList());
        }
        if (in.getHeadersCount() > 0) {
          b.addAllHeaders(in.getHeadersList());
        }
        if (r.getTagsCount() > 0) {
          b.addAllTags(r.getTagsList());
        }
        EdgeMessage out = b.build();
        if (!backlog.isEmpty() || !server.enqueue(out, p)) {
          backlog.add(new Object[] {out, p});
        }
        index++;
      }
    }
  }

  /** Moves what waits onto the edge while its queue has room. */
  void pull() {
    while (!backlog.isEmpty()) {
      Object[] o = backlog.peek();
      if (!server.enqueue((EdgeMessage) o[0], o[1])) {
        return;
      }
      backlog.poll();
    }
  }

  /** Outputs waiting for room in the edge's queue. */
  int backlog() {
    return backlog.size();
  }

  /**
   * The largest event time put out (never ahead of the wall clock) minus {@code source.max-delay};
   * the wall clock minus that when nothing was {@code held} for {@code source.idle-timeout}.
   */
  long watermark(long nowMillis, int held) {
    return watermark.watermark(nowMillis, System.nanoTime(), held);
  }
}
