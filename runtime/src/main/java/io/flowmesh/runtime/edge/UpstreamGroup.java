package io.flowmesh.runtime.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every upstream vertex of one map or sink instance: one {@link UpstreamSet} per vertex of its
 * {@link Upstreams} (one for {@code Y.upstream}; one per {@code Y.upstream.<vertex>}, a join),
 * each with its own subscribers, credit and input buffers, all reported to one {@link
 * UpstreamSet.Listener}.
 *
 * <p>The input watermark of a join is the lowest over its upstream vertices, each one's the lowest
 * over its replicas; an upstream vertex that has had no open stream for {@link Upstreams#goneAfter}
 * stops counting until it connects again ({@link UpstreamSet#gone}). The consumer reads it per
 * subscriber ({@link EdgeSubscriber#inputWatermark}), together with what it buffered.
 *
 * <h2>Concurrency</h2>
 * Confined to the owning verticle's event loop, like its sets.
 */
public final class UpstreamGroup {

  private final Upstreams upstreams;
  private final List<UpstreamSet> sets = new ArrayList<>();

  /**
   * @param vertex this vertex's name (map, sink), said in every hello
   * @param idPrefix prefix of the subscriber ids; a named upstream's subscribers add {@code /<vertex>}
   */
  public UpstreamGroup(Vertx vertx, String vertex, Upstreams upstreams, Duration resolveInterval, EdgeOptions options,
      MeterRegistry registry, String idPrefix, UpstreamSet.Listener listener, Resolver resolver) {
    this.upstreams = upstreams;
    for (Upstreams.Vertex v : upstreams.vertices()) {
      String prefix = v.name().isEmpty() ? idPrefix : idPrefix + "/" + v.name();
      sets.add(new UpstreamSet(vertx, vertex, v, upstreams.goneAfter(), resolveInterval, options, registry, prefix, listener,
          resolver));
    }
  }

  public void start() {
    sets.forEach(UpstreamSet::start);
  }

  public Upstreams upstreams() {
    return upstreams;
  }

  /** The sets, one per upstream vertex, in configuration order. */
  public List<UpstreamSet> sets() {
    return List.copyOf(sets);
  }

  /** Every subscriber of every upstream vertex. */
  public List<EdgeSubscriber> subscribers() {
    List<EdgeSubscriber> all = new ArrayList<>();
    sets.forEach(s -> all.addAll(s.subscribers()));
    return all;
  }

  /** How many subscribers have a stream open now, over every upstream vertex. */
  public int connected() {
    int n = 0;
    for (int i = 0; i < sets.size(); i++) {
      n += sets.get(i).connected();
    }
    return n;
  }

  /**
   * The input watermark the edges allow: the lowest {@link EdgeSubscriber#inputWatermark} over
   * every replica of every upstream vertex (a gone vertex's not counted); {@link Long#MAX_VALUE}
   * when nothing counts. Not monotonic by itself (an upstream vertex that connects again counts
   * again, possibly lower): the vertex keeps its own watermark from going back.
   */
  public long inputWatermark() {
    long low = Long.MAX_VALUE;
    for (int i = 0; i < sets.size(); i++) {
      low = Math.min(low, sets.get(i).inputWatermark());
    }
    return low;
  }

  /** Why some upstream vertex has no subscriber (its name does not resolve), or null. */
  public String resolveError() {
    String error = null;
    for (UpstreamSet s : sets) {
      String e = s.resolveError();
      if (e != null) {
        error = error == null ? e : error + "; " + e;
      }
    }
    return error;
  }

  /** The upstream vertices for {@code /status}: name, watermark, gone, replicas. */
  public JsonArray status() {
    JsonArray out = new JsonArray();
    sets.forEach(s -> out.add(s.status()));
    return out;
  }

  /** Closes every set (pending acks are flushed first). */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    sets.forEach(s -> closing.add(s.close()));
    return Future.all(closing).mapEmpty();
  }
}
