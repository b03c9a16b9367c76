package io.flowmesh.map.engine;

import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.Watermarks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous data movement for one map instance. Elements come from the upstream edges (whose
 * input buffers are the bounded input: the engine fetches only what it can start), take a permit
 * when sent to the UDF and give it back when their results arrive, in any order; results are
 * forwarded at once. Dispatch pauses while {@code outputCapacity} outputs wait for downstream
 * acks, so a slow downstream slows everything upstream. An input is acked upstream only when all
 * its outputs were acked downstream; no results, or only DROP-tagged ones, ack it at once.
 *
 * <p>The output watermark is the lowest arrival watermark over every element not yet finished —
 * buffered on an edge, waiting for its key, in the UDF, or with outputs unacked — else the
 * latest input watermark, and it never decreases.
 *
 * <h2>Concurrency</h2>
 * Create and use on one event loop (the map instance's); every entry point checks the thread.
 */
public final class MapEngine {

  /**
   * The reserved tag that drops an element, exactly as Numaflow's SDKs write it: the ten
   * characters {@code U+005C} (the Unicode name of a backslash, not a backslash) and {@code __DROP__}.
   */
  public static final String DROP = "U+005C__DROP__";

  private static final Logger LOG = LoggerFactory.getLogger(MapEngine.class);

  private final Vertx vertx;
  private final Thread eventLoop = Thread.currentThread();
  private final EngineConfig config;
  private final Object owner;
  private final OutputPort out;
  private final EngineStats stats;
  private final Inputs inputs = new Inputs();
  private final WatermarkHeap heap = new WatermarkHeap();
  private final KeySequencer keys;
  private final ArrayDeque<Element> ready = new ArrayDeque<>();
  private final Udf udf;
  /** Batches for a batch-map UDF, or null (unary and stream map). */
  private final BatchCollector batches;
  private int permitsInUse;
  /** Permits: the in-flight limit, {@code concurrency} unless {@link #limit(int)} moves it. */
  private int limit;
  private int outputsPending;
  private long outputWatermark = Watermarks.NONE;
  private boolean pumping;
  private boolean stopping;
  /** Why inputs are given back (nobody reads the output edge), or null. */
  private String orphaned;

  /**
   * @param owner handed back through {@link Element#owner()}, so a shared output edge can route acks
   * @param udf where elements are sent; it answers through {@link #onResults} and {@link #onFailure}
   */
  public MapEngine(Vertx vertx, EngineConfig config, Object owner, Udf udf, OutputPort out, EngineStats stats) {
    this.vertx = vertx;
    this.udf = udf;
    this.config = config;
    this.owner = owner;
    this.out = out;
    this.stats = stats;
    this.keys = config.keyOrdering() ? new KeySequencer(stats) : null;
    this.limit = config.concurrency();
    this.batches = config.batchMode() ? new BatchCollector(vertx, udf, stats, config.batchSize(), config.batchTimeout()) : null;
  }

  /** Moves the in-flight limit (map.concurrency=auto); elements in flight above a lower one just finish. */
  public void limit(int permits) {
    checkThread();
    boolean raised = permits > limit;
    limit = Math.max(1, permits);
    if (raised) {
      pump();
    }
  }

  /** Takes input from {@code sub}; the engine fetches from it only what it can start. */
  public void addInput(EdgeSubscriber sub) {
    checkThread();
    Inputs.Input in = inputs.add(sub, orphaned != null || stopping);
    sub.handler(d -> onDelivery(in, d));
    pump();
  }

  /** Stops taking input from {@code sub}; what it buffered stays unacked and the upstream redelivers it. */
  public void removeInput(EdgeSubscriber sub) {
    checkThread();
    inputs.remove(sub);
  }

  // ---- input ----

  private void onDelivery(Inputs.Input in, Delivery d) {
    if (in.requested > 0) {
      in.requested--;
    }
    if (orphaned != null) {
      stats.givenBack++;
      in.sub.nack(d, orphaned);
      return;
    }
    Element e = new Element(d, in.sub, owner, keys == null ? null : keyOf(d.message()));
    heap.add(e);
    stats.elementsIn++;
    if (keys == null || keys.admit(e)) {
      ready.add(e);
    }
    pump();
  }

  private static String keyOf(EdgeMessage m) {
    int n = m.getKeysCount();
    return n == 0 ? "" : n == 1 ? m.getKeys(0) : String.join("\u0000", m.getKeysList());
  }

  private void pump() {
    stats.outputBlocked(outputsPending >= config.outputCapacity());
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      if (orphaned != null) {
        giveBackReady();
        return;
      }
      boolean arrived = true;
      boolean clockRead = false; // once per pump: its requests go out in one write at the turn's end
      long now = 0;
      while (arrived) {
        while (!ready.isEmpty() && permitsInUse < limit && outputsPending < config.outputCapacity()) {
          if (!clockRead) {
            now = System.nanoTime();
            clockRead = true;
          }
          dispatch(ready.poll(), now);
        }
        if (stopping || outputsPending >= config.outputCapacity()) {
          break;
        }
        // Each input may supply the whole free window; what arrives beyond the permits waits in ready.
        long free = (long) limit - permitsInUse - ready.size() - (keys == null ? 0 : keys.waiting());
        int before = ready.size();
        inputs.fetchUpTo(free);
        arrived = ready.size() > before;
      }
    } finally {
      pumping = false;
    }
  }

  private void dispatch(Element e, long now) {
    permitsInUse++;
    if (permitsInUse > stats.maxPermitsInUse) {
      stats.maxPermitsInUse = permitsInUse;
    }
    e.startNanos = now;
    if (batches == null) {
      udf.map(e);
    } else {
      batches.add(e);
    }
  }

  // ---- results ----

  /** The UDF answered {@code e} at {@code nowNanos} ({@link System#nanoTime()}). Called by the UDF client, exactly once per element. */
  public void onResults(Element e, List<UdfResult> results, long nowNanos) {
    checkThread();
    release(e);
    stats.inFlight(nowNanos - e.startNanos);
    if (orphaned != null) {
      giveBack(e, orphaned);
      pump();
      return;
    }
    int n = Outputs.kept(results);
    if (n == 0) {
      stats.dropped++;
      complete(e);
    } else {
      e.pendingOutputs = n;
      outputsPending += n;
      Outputs.emit(out, e, results);
      // From here the input is only acked or nacked: let go of it (and of the DATA frame its value
      // is a slice of) instead of holding it until every output's downstream ack.
      e.delivery.release();
      stats.outputs += n;
    }
    pump();
  }

  /**
   * The UDF client gave up on {@code e} (retries exhausted). It is dropped (acked) or nacked back
   * to the upstream, which redelivers it, per {@code on-failure}.
   */
  public void onFailure(Element e, String why) {
    checkThread();
    release(e);
    heap.remove(e);
    if (config.dropOnFailure()) {
      stats.failedDropped++;
      e.ackUpstreamFailed(why);
    } else {
      stats.failedNacked++;
      e.from.nack(e.delivery, why);
    }
    if (stats.failedDropped + stats.failedNacked == 1 || (stats.failedDropped + stats.failedNacked) % 1000 == 0) {
      LOG.warn("udf gave up on element id={} dropped={} reason={} (logged for the first and every 1000th)",
          e.delivery.message().getId(), config.dropOnFailure(), why);
    }
    pump();
  }

  private void release(Element e) {
    permitsInUse--;
    nextOfKey(e);
  }

  /** With key ordering: the next element of {@code e}'s key, if one waits, is the next to dispatch. */
  private void nextOfKey(Element e) {
    if (keys != null) {
      Element next = keys.release(e);
      if (next != null) {
        ready.addFirst(next);
      }
    }
  }

  /**
   * Outputs were acked downstream, one list entry per output; {@code replies}, when not null, has
   * each one's reply at the same index (null for a plain ack).
   */
  public void onOutputsAcked(List<Element> acked, List<List<ReplyOutput>> replies) {
    checkThread();
    for (int i = 0, n = acked.size(); i < n; i++) {
      Element e = acked.get(i);
      if (e.givenBack) {
        continue;
      }
      if (replies != null) {
        e.outputAcked(replies.get(i));
      }
      outputsPending--;
      if (--e.pendingOutputs == 0) {
        complete(e);
      }
    }
    pump();
  }

  private void complete(Element e) {
    heap.remove(e);
    stats.acked++;
    e.ackUpstream();
  }

  // ---- an output edge nobody reads ----

  /**
   * The output edge has had no subscriber for {@code edge.orphan-timeout} ({@code reason}), or has
   * one again ({@code null}). While orphaned the engine holds credit on its inputs, nacks what they
   * deliver and what waits to be dispatched, and nacks each element in the UDF when it completes.
   */
  public void orphaned(String reason) {
    checkThread();
    orphaned = reason;
    inputs.orphaned(reason != null);
    if (stopping && reason == null) {
      inputs.stopTaking();
    }
    pump();
  }

  /** Outputs taken back from the orphaned output edge, one entry per output: their inputs are nacked. */
  public void onOutputsGivenBack(List<Element> outputsOf, String reason) {
    checkThread();
    for (int i = 0, n = outputsOf.size(); i < n; i++) {
      Element e = outputsOf.get(i);
      if (!e.givenBack) {
        outputsPending -= e.pendingOutputs;
        e.pendingOutputs = 0;
        giveBack(e, reason);
      }
    }
    pump();
  }

  private void giveBackReady() {
    while (!ready.isEmpty()) {
      giveBack(ready.poll(), orphaned);
    }
  }

  /** Nacks {@code e} upstream; the next element of its key, if any, goes to the ready queue. */
  private void giveBack(Element e, String reason) {
    e.givenBack = true;
    heap.remove(e);
    stats.givenBack++;
    e.from.nack(e.delivery, reason);
    nextOfKey(e);
  }

  // ---- watermark, state ----

  /**
   * The output watermark: the lowest arrival watermark over unfinished elements (including those
   * still buffered on an edge), else the lowest of the inputs' watermarks; never decreasing.
   */
  public long watermark() {
    long low = Math.min(heap.min(), inputs.lowWatermark());
    if (low != Long.MAX_VALUE && low > outputWatermark) {
      outputWatermark = low;
    }
    return outputWatermark;
  }

  /**
   * The output watermark as last computed on the event loop, without computing it: for readers on
   * other threads (metrics), which may see a slightly stale value.
   */
  public long lastWatermark() {
    return outputWatermark;
  }

  /** Permits in use: elements in the UDF. */
  public int inFlight() {
    return permitsInUse;
  }

  /** Elements taken from the edge and not yet acked upstream. */
  public int unfinished() {
    return heap.size();
  }

  public int outputsPending() {
    return outputsPending;
  }

  public int waitingForKey() {
    return keys == null ? 0 : keys.waiting();
  }

  public int ready() {
    return ready.size();
  }

  public EngineStats stats() {
    return stats;
  }

  /**
   * Stops taking input — no more deliveries, no more credit granted upstream ({@link
   * Inputs#stopTaking}) — and completes when every element taken was acked (or nacked) upstream,
   * or when {@code timeoutMillis} passed.
   */
  public Future<Void> drain(long timeoutMillis) {
    checkThread();
    stopping = true;
    if (orphaned == null) {
      inputs.stopTaking();
    }
    if (batches != null) {
      batches.flush();
    }
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    vertx.setPeriodic(5, id -> {
      if (heap.isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        if (!heap.isEmpty()) {
          LOG.warn("map drain timed out unfinished={} inFlight={} outputsPending={}", heap.size(), permitsInUse, outputsPending);
        }
        done.tryComplete();
      }
    });
    return done.future();
  }

  private void checkThread() {
    if (Thread.currentThread() != eventLoop) {
      throw new IllegalStateException("MapEngine used off its event loop (thread " + Thread.currentThread().getName() + ")");
    }
  }
}
