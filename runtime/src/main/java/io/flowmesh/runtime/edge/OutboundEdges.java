package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbound edges of an {@link EdgeServer} and what they share: the bound on queued messages and
 * the fan-out. A message goes on every edge whose tag condition it meets ({@link TagRouter}); on
 * none, it is dropped, counted and acked as done at the next dispatch; on several, the same message
 * object goes into each edge's queue with one {@link Copies} standing in for its attachment, and the
 * producer hears of it once every copy is acked. Without named edges ({@link EdgeRoutes#SINGLE})
 * there is one edge, nothing is routed and no {@code Copies} is made: the edge of one downstream
 * vertex, as before fan-out.
 *
 * <p>The bound ({@code queueCapacity}) counts messages queued on at least one edge, so a throttled
 * edge can hold at most the bound while the others keep going until then; redeliveries are always
 * taken back.
 *
 * <h2>Concurrency</h2>
 * Owned by its {@link EdgeServer}'s event loop.
 */
final class OutboundEdges {

  final OutboundEdge[] edges;
  final EdgeRoutes routes;
  private final TagRouter router;
  private final int capacity;
  /** Messages queued on at least one edge. */
  private int held;
  /** Messages no edge took, to be acked at the next dispatch (never within the producer's own offer). */
  private final OutboundQueue unmatched;
  private final EdgeServerMetrics metrics;
  private long dropped;
  private final String vertex;
  private final int maxFrameBytes;
  private Copies[] pool = new Copies[64];
  private int pooled;

  OutboundEdges(String vertex, EdgeOptions options, int queueCapacity, EdgeRoutes routes, MeterRegistry registry) {
    this.routes = routes;
    this.vertex = vertex;
    this.maxFrameBytes = options.maxFrameBytes();
    this.capacity = queueCapacity;
    this.metrics = new EdgeServerMetrics(registry, vertex, queueCapacity, !routes.single());
    if (routes.single()) {
      edges = new OutboundEdge[] {new OutboundEdge(this, vertex, null, options, queueCapacity, registry)};
      router = null;
      unmatched = null;
    } else {
      edges = new OutboundEdge[routes.routes().size()];
      List<TagCondition> conditions = new ArrayList<>();
      for (int i = 0; i < edges.length; i++) {
        EdgeRoutes.Route r = routes.routes().get(i);
        edges[i] = new OutboundEdge(this, vertex, r.to(), options, queueCapacity, registry);
        conditions.add(r.condition());
      }
      router = new TagRouter(conditions);
      unmatched = new OutboundQueue(queueCapacity);
    }
  }

  EdgeServerMetrics metrics() {
    return metrics;
  }

  /** The edge to {@code vertex}, or null when there is none; the single unnamed edge takes any vertex. */
  OutboundEdge edgeTo(String vertex) {
    if (router == null) {
      return edges[0];
    }
    for (OutboundEdge e : edges) {
      if (e.to.equals(vertex)) {
        return e;
      }
    }
    return null;
  }

  /** Queues {@code m} on the edges it goes to; false at the bound, unless {@code overBound}. */
  boolean offer(EdgeMessage m, Object attachment, boolean overBound) {
    if (!overBound && room() == 0) {
      return false;
    }
    if (router == null) {
      edges[0].queue.offer(m, attachment, overBound);
      held++;
      return true;
    }
    long mask = router.route(m);
    int copies = Long.bitCount(mask);
    for (int i = 0; i < edges.length; i++) {
      if ((mask & (1L << i)) == 0) {
        edges[i].notMatched++;
      }
    }
    if (copies == 0) {
      unmatched.offer(m, attachment, overBound);
      dropped++;
      metrics.dropped.increment();
      return true;
    }
    Object a = attachment;
    if (copies > 1) {
      Copies c = copies();
      c.attachment = attachment;
      c.remaining = copies;
      c.queued = copies;
      a = c;
    }
    for (long left = mask; left != 0; left &= left - 1) {
      edges[Long.numberOfTrailingZeros(left)].queue.offer(m, a, overBound);
    }
    held++;
    return true;
  }

  /** Tells {@code listener} of the messages no edge took since the last call. */
  void ackUnmatched(AckListener listener) {
    if (unmatched == null) {
      return;
    }
    while (!unmatched.isEmpty()) {
      EdgeMessage m = unmatched.peek();
      Object a = unmatched.peekAttachment();
      unmatched.remove();
      listener.acked(m, a, m.getServe() ? List.of() : null);
    }
  }

  /** A queue entry with attachment {@code a} was taken out of an edge's queue (sent, or taken back). */
  void leftQueue(Object a) {
    if (!(a instanceof Copies c) || --c.queued == 0) {
      held--;
    }
  }

  /**
   * A sent copy goes back to its edge's queue (nack, lost stream): true when it should; false when
   * its message was taken back meanwhile, and the copy is done.
   */
  boolean backToQueue(Object a) {
    if (a instanceof Copies c) {
      if (c.takenBack) {
        copyDone(c);
        return false;
      }
      if (c.queued++ > 0) {
        return true;
      }
    }
    held++;
    return true;
  }

  /**
   * A copy of {@code m} with attachment {@code a} was acked with {@code reply} (null: plainly): tells
   * {@code listener} when that was the last copy of the message, with the replies of every copy
   * merged under the cap ({@link MergedReply}; null when no copy had one).
   *
   * @return whether the listener was told
   */
  boolean ackedCopy(EdgeMessage m, Object a, List<ReplyOutput> reply, AckListener listener) {
    if (!(a instanceof Copies c)) {
      // one copy: its reply came in one frame, it goes on as it is
      listener.acked(m, a, reply);
      return true;
    }
    if (reply != null) {
      if (c.reply == null) {
        c.reply = new MergedReply(maxFrameBytes);
      }
      c.reply.add(reply);
    }
    if (c.remaining > 1) {
      c.remaining--;
      return false;
    }
    boolean tell = !c.takenBack;
    Object attachment = c.attachment;
    List<ReplyOutput> merged = c.reply == null ? null : c.reply.take(m.getId(), vertex);
    copyDone(c);
    if (tell) {
      listener.acked(m, attachment, merged);
    }
    return tell;
  }

  private void copyDone(Copies c) {
    if (--c.remaining > 0) {
      return;
    }
    c.attachment = null;
    if (c.reply != null) {
      c.reply.clear();
    }
    c.takenBack = false;
    c.queued = 0;
    if (pooled == pool.length) {
      pool = java.util.Arrays.copyOf(pool, pooled << 1);
    }
    pool[pooled++] = c;
  }

  private Copies copies() {
    return pooled == 0 ? new Copies() : pool[--pooled];
  }

  /**
   * Removes every queued message, handing each once, with the producer's attachment, to {@code to};
   * copies of it already sent are no longer told when acked.
   *
   * @return how many messages were handed back
   */
  int takeQueued(AckListener to) {
    int n = 0;
    for (OutboundEdge e : edges) {
      OutboundQueue queue = e.queue;
      while (!queue.isEmpty()) {
        EdgeMessage m = queue.peek();
        Object a = queue.peekAttachment();
        queue.remove();
        leftQueue(a);
        if (a instanceof Copies c) {
          if (!c.takenBack) {
            c.takenBack = true;
            to.acked(m, c.attachment, null);
            n++;
          }
          copyDone(c);
        } else {
          to.acked(m, a, null);
          n++;
        }
      }
    }
    return n;
  }

  /** Room under the bound for producers; messages no edge took count until they are acked. */
  int room() {
    return Math.max(0, capacity - held - (unmatched == null ? 0 : unmatched.size()));
  }

  /** Messages queued on at least one edge. */
  int held() {
    return held;
  }

  int capacity() {
    return capacity;
  }

  /**
   * How many more messages the edges could take now: for each edge, its subscribers' credit (and
   * window room), capped by the room under the bound, less what it has queued; the most of these
   * (a throttled edge fills its queue up to the bound while the others go on).
   */
  long demand() {
    int room = room();
    long most = 0;
    for (OutboundEdge e : edges) {
      most = Math.max(most, Math.max(0, Math.min(e.takeable(), room) - e.queue.size()));
    }
    return most;
  }

  int unacked() {
    int n = 0;
    for (OutboundEdge e : edges) {
      n += e.unacked();
    }
    return n;
  }

  int subscriberCount() {
    int n = 0;
    for (OutboundEdge e : edges) {
      n += e.subscriberCount();
    }
    return n;
  }

  long redelivered() {
    long n = 0;
    for (OutboundEdge e : edges) {
      n += e.redelivered;
    }
    return n;
  }

  long detached() {
    long n = 0;
    for (OutboundEdge e : edges) {
      n += e.detached;
    }
    return n;
  }

  /** Whether nothing is queued, unacked or waiting to be acked as dropped. */
  boolean empty() {
    return held == 0 && unacked() == 0 && (unmatched == null || unmatched.isEmpty());
  }

  /** Named edges only: {@code dropped} and one entry per edge for {@code /status}. */
  void status(JsonObject into) {
    if (router == null) {
      return;
    }
    JsonArray list = new JsonArray();
    for (int i = 0; i < edges.length; i++) {
      TagCondition c = routes.routes().get(i).condition();
      list.add(edges[i].status().put("condition", c == null ? null : c.toString()));
    }
    into.put("dropped", dropped).put("edges", list);
  }
}
