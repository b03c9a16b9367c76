package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One outbound edge of an {@link EdgeServer}: the queue of messages waiting for a subscriber, the
 * subscribers (the replicas of one downstream vertex) each with its credit and unacked window, and
 * the sending of batches to whichever of them has credit, in turn. What enters and leaves the queue
 * is accounted with the {@link OutboundEdges} it belongs to (the shared bound, fan-out copies).
 *
 * <h2>Concurrency</h2>
 * Owned by its {@link EdgeServer}'s event loop.
 */
final class OutboundEdge {

  /**
   * How long a sent message may wait for its ack as a slice of the frame it was cut from before it
   * is given bytes of its own, if this edge holds less than half of that frame by then
   * ({@link UnackedWindow#detachOlderThan}). A queued message is looked at on the heartbeat
   * instead ({@link OutboundQueue#detachOlderThan}), so it is copied one to two heartbeats
   * (100–200 ms by default) after it was queued, if still queued. Acks normally come within a few
   * milliseconds, and in send order give or take a batch, so a frame's messages are let go of
   * together; one held past this after the rest of its frame was acked (the next map's UDF slow on
   * that element, or on one of its outputs' way further down) or went to another edge is copied
   * once instead of keeping its whole frame. A downstream slow to ack everything has little copied:
   * the frames hold what waits ({@link FrameLook} says what may be).
   */
  static final long DETACH_AFTER_NANOS = 20_000_000L;

  /** The downstream vertex of a named edge ({@code X.edge.to}); null for the single unnamed edge. */
  final String to;
  final OutboundQueue queue;
  final List<Subscription> subscribers = new ArrayList<>();
  final OutboundEdgeMetrics metrics;
  private final OutboundEdges all;
  private final EdgeOptions options;
  private int cursor;
  /** The messages of the batch being encoded; cleared after each. */
  private EdgeMessage[] picked = new EdgeMessage[0];
  /** Messages put back in the queue (nacks and lost streams). */
  long redelivered;
  /** Messages acknowledged on this edge. */
  long acked;
  /** Messages sent on this edge. */
  long sent;
  /** Messages this edge's condition did not take. */
  long notMatched;
  /**
   * Messages given bytes of their own because they waited long, unacked or queued, while this
   * edge held less than half of the frame they were cut from ({@link #DETACH_AFTER_NANOS}).
   */
  long detached;

  OutboundEdge(OutboundEdges all, String vertex, String to, EdgeOptions options, int queueCapacity, MeterRegistry registry) {
    this.all = all;
    this.to = to;
    this.options = options;
    this.queue = new OutboundQueue(queueCapacity);
    this.metrics = new OutboundEdgeMetrics(registry, vertex, to, queue);
  }

  /** What the open subscribers could take now: their credit, each capped by its window's room, summed. */
  long takeable() {
    long total = 0;
    for (int i = 0, n = subscribers.size(); i < n; i++) {
      Subscription s = subscribers.get(i);
      if (s.helloReceived && !s.closed) {
        total = CreditBalance.saturatedAdd(total, Math.min(s.credit.available(), s.unacked.room()));
      }
    }
    return total;
  }

  /** Messages sent on this edge and not yet acknowledged. */
  int unacked() {
    int n = 0;
    for (int i = 0, size = subscribers.size(); i < size; i++) {
      n += subscribers.get(i).unacked.count();
    }
    return n;
  }

  /** Subscribers that said hello and are connected. */
  int subscriberCount() {
    int n = 0;
    for (int i = 0, size = subscribers.size(); i < size; i++) {
      Subscription s = subscribers.get(i);
      if (s.helloReceived && !s.closed) {
        n++;
      }
    }
    return n;
  }

  /** Refreshes the totals the gauges read; on the event loop, once per dispatch. */
  void updateGaugeTotals() {
    long credit = 0;
    int unackedTotal = 0;
    for (int i = 0, n = subscribers.size(); i < n; i++) {
      Subscription s = subscribers.get(i);
      credit = CreditBalance.saturatedAdd(credit, s.credit.available());
      unackedTotal += s.unacked.count();
    }
    metrics.creditSeen = credit;
    metrics.unackedSeen = unackedTotal;
    metrics.subscribersSeen = subscribers.size();
  }

  /** Puts a lost or closed subscriber's unacked messages back at the front of the queue; how many. */
  int requeue(Subscription s) {
    int before = queue.size();
    s.unacked.drainNewestFirst((seq, m, a) -> {
      if (all.backToQueue(a)) {
        queue.pushFront(m, a);
      }
    });
    int back = queue.size() - before;
    redelivered += back;
    metrics.redelivered.increment(back);
    return back;
  }

  /** Puts nacked messages back at the front of the queue, in their order, after the nack backoff. */
  void requeueNacked(List<io.flowmesh.runtime.edge.EdgeMessage> back, List<Object> attachments) {
    int n = 0;
    for (int i = back.size() - 1; i >= 0; i--) {
      if (all.backToQueue(attachments.get(i))) {
        queue.pushFront(back.get(i), attachments.get(i));
        n++;
      }
    }
    redelivered += n;
    metrics.redelivered.increment(n);
  }

  /**
   * The next subscriber, in turn, that can take a batch now, or null; one whose stream is full is
   * asked to call {@code onDrain} when it has room again.
   */
  Subscription nextReady(Handler<Void> onDrain) {
    int n = subscribers.size();
    for (int i = 0; i < n; i++) {
      Subscription s = subscribers.get((cursor + i) % n);
      if (s.canSend()) {
        cursor = (cursor + i + 1) % n;
        return s;
      }
      if (s.open() && s.call.writeQueueFull()) {
        s.call.drainHandler(onDrain);
      }
    }
    return null;
  }

  /** Sends {@code s} one batch from the front of the queue, within its credit, window and the frame budget. */
  void sendBatch(Subscription s, long watermark) {
    long limit = Math.min(Math.min(queue.size(), options.maxBatch()), Math.min(s.credit.available(), s.unacked.room()));
    long budget = options.maxFrameBytes() - 1024L;
    long firstSeq = s.unacked.nextSeq();
    if (picked.length < limit) {
      picked = new EdgeMessage[(int) Math.min(limit, options.maxBatch())];
    }
    int count = 0;
    long bytes = 0;
    long payload = 0;
    while (count < limit) {
      EdgeMessage m = queue.peek();
      int size = EdgeOptions.estimatedSize(m);
      if (count > 0 && bytes + size > budget) {
        break;
      }
      Object a = queue.peekAttachment();
      s.unacked.add(m, a);
      queue.remove();
      all.leftQueue(a);
      picked[count] = m;
      bytes += size;
      payload += m.getValue().size();
      count++;
    }
    s.credit.consume(count);
    s.sent += count;
    sent += count;
    long now = System.nanoTime();
    s.lastSendNanos = now;
    s.lastWatermarkSent = watermark;
    s.call.write(EdgeCodec.batchFrame(EdgeCodec.frames, firstSeq, watermark, picked, count));
    Arrays.fill(picked, 0, count, null);
    detachOld(s, now);
    metrics.sent.increment(count);
    metrics.sentBytes.increment(payload);
    metrics.batches.increment();
  }

  private void detachOld(Subscription s, long now) {
    countDetached(s.unacked.detachOlderThan(now, DETACH_AFTER_NANOS));
  }

  private void countDetached(int n) {
    if (n > 0) {
      detached += n;
      metrics.detached.increment(n);
    }
  }

  /**
   * Sends the watermark to every subscriber idle for {@code intervalNanos} that has not seen it yet,
   * and detaches what waits long for an ack on an edge that sends nothing now, and what waits long
   * in the queue (an edge whose subscribers are gone or take nothing).
   */
  void heartbeat(long now, long intervalNanos, long watermark) {
    countDetached(queue.detachOlderThan(now, DETACH_AFTER_NANOS));
    for (int i = 0, n = subscribers.size(); i < n; i++) {
      Subscription s = subscribers.get(i);
      detachOld(s, now);
      if (s.open() && watermark > s.lastWatermarkSent && now - s.lastSendNanos >= intervalNanos
          && !s.call.writeQueueFull()) {
        s.lastWatermarkSent = watermark;
        s.lastSendNanos = now;
        s.call.write(UpstreamFrame.newBuilder()
            .setWatermark(io.flowmesh.proto.edge.v1.Watermark.newBuilder().setWatermark(watermark)).build());
      }
    }
  }

  /** A named edge's figures for {@code /status}. */
  JsonObject status() {
    return new JsonObject().put("to", to).put("subscriberCount", subscriberCount()).put("queued", queue.size())
        .put("unacked", unacked()).put("sent", sent).put("acked", acked).put("redelivered", redelivered)
        .put("notMatched", notMatched).put("detached", detached).put("subscribers", subscribersStatus());
  }

  /** The subscribers for {@code /status}. */
  JsonArray subscribersStatus() {
    JsonArray subs = new JsonArray();
    subscribers.forEach(s -> subs.add(s.status()));
    return subs;
  }
}
