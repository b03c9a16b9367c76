package io.flowmesh.source.udsource;

import io.flowmesh.proto.udf.source.v1.PartitionsResponse;
import io.flowmesh.proto.udf.source.v1.PendingResponse;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfHealth;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * The udsource's periodic calls, every {@code source.udsource.poll-interval}: {@code IsReady}
 * (readiness), {@code PendingFn} (negative = unknown; the pending metric and {@code /status}) and
 * {@code PartitionsFn}.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop.
 */
final class SourcePoll {

  private final Vertx vertx;
  private final UdfChannel channel;
  private final UdfHealth health;
  private final UdSourceMetrics metrics;
  private final UnaryCall<PendingResponse> pendingCall;
  private final UnaryCall<PartitionsResponse> partitionsCall;
  private long timer = -1;
  private String isReadyProblem = "IsReady not answered yet";
  private long pending = -1;
  private List<Integer> partitions = List.of();

  SourcePoll(Vertx vertx, UdfChannel channel, UdfHealth health, UdSourceMetrics metrics, long callTimeoutMillis) {
    this.vertx = vertx;
    this.channel = channel;
    this.health = health;
    this.metrics = metrics;
    this.pendingCall = new UnaryCall<>(channel, "PendingFn", PendingResponse.parser(), callTimeoutMillis);
    this.partitionsCall = new UnaryCall<>(channel, "PartitionsFn", PartitionsResponse.parser(), callTimeoutMillis);
  }

  /** Polls now and every {@code interval}. */
  void start(Duration interval) {
    poll();
    timer = vertx.setPeriodic(interval.toMillis(), id -> poll());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Why {@code IsReady} does not say ready (unanswered, failed, false), or null. */
  String isReadyProblem() {
    return isReadyProblem;
  }

  /** Records not read yet as {@code PendingFn} last said; -1 when unknown. */
  long pending() {
    return pending;
  }

  /** The partitions {@code PartitionsFn} last named. */
  List<Integer> partitions() {
    return partitions;
  }

  private void poll() {
    try {
      call();
    } catch (IllegalStateException e) { // the channel's HTTP client is closed: Vert.x is closing under us
      stop();
    }
  }

  private void call() {
    channel.isReady().onComplete(ar -> isReadyProblem = ar.failed() ? health.unreachableLine(ar.cause())
        : ar.result() ? null : "udsource at " + channel.address() + " is not ready (IsReady answered false)");
    pendingCall.call().onComplete(ar -> {
      pending = ar.succeeded() && ar.result().getResult().getCount() >= 0 ? ar.result().getResult().getCount() : -1;
      metrics.pending(pending);
    });
    partitionsCall.call().onSuccess(p -> {
      partitions = p.getResult().getPartitionsList();
      metrics.partitions(partitions.size());
    });
  }
}
