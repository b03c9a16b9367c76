package io.flowmesh.map.service;

import io.flowmesh.map.engine.Element;
import io.flowmesh.map.engine.MapEngine;
import io.flowmesh.map.engine.OutputPort;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * One map instance's way to the shared {@link OutputEdge}: outputs emitted during an event-loop
 * turn are handed over together at its end (directly, in the same two lists each turn, when the
 * edge runs on the instance's loop); acks collected on the edge's loop come back together.
 *
 * <h2>Concurrency</h2>
 * The emit side is used on the instance's event loop, the ack side ({@link #ackedOnEdgeLoop}) on
 * the edge's; lists change hands between two loops only through {@code runOnContext}, and on one
 * loop the edge reads the output lists during the call and keeps none of them.
 */
final class InstancePort implements OutputPort {

  private static final int MIN_CAPACITY = 16;
  /** The lists kept for the next turn on one loop are let go after a turn larger than this (a flatmap's burst). */
  private static final int MAX_KEPT_CAPACITY = 8192;

  final int index;
  private final Context instanceContext;
  private final Context edgeContext;
  private final OutputEdge edge;
  /** The output edge runs on this instance's loop: outputs are handed over without a hop, in lists used again. */
  private final boolean sameLoop;
  private MapEngine engine;
  // instance loop
  private List<Element> from = new ArrayList<>();
  private List<EdgeMessage> outputs = new ArrayList<>();
  /** Capacity of the next turn's lists: the largest recent turn (see {@link #nextCapacity}). */
  private int outputCapacity = MIN_CAPACITY;
  private long watermark = -1;
  private boolean flushScheduled;
  /** The output edge's orphan reason as last told, or null (an engine built later starts with it). */
  String orphanReason;
  // edge loop
  private List<Element> acked = new ArrayList<>();
  private int ackedCapacity = MIN_CAPACITY;
  /** Each acked output's reply, at its index in {@link #acked}; null while no serving output is in the batch. */
  private List<List<ReplyOutput>> replies;
  private boolean ackScheduled;
  private List<Element> givenBack = new ArrayList<>();

  InstancePort(int index, Context instanceContext, Context edgeContext, OutputEdge edge) {
    this.index = index;
    this.instanceContext = instanceContext;
    this.edgeContext = edgeContext;
    this.sameLoop = instanceContext == edgeContext;
    this.edge = edge;
  }

  void engine(MapEngine engine) {
    this.engine = engine;
  }

  @Override
  public void emit(Element e, EdgeMessage output) {
    from.add(e);
    outputs.add(output);
    scheduleFlush();
  }

  @Override
  public void watermark(long wm) {
    if (wm > watermark) {
      watermark = wm;
      scheduleFlush();
    }
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      instanceContext.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    long wm = watermark;
    if (sameLoop) {
      // The edge is on this loop (instance 0, or the only one): hand the lists over now and keep
      // them, as the edge takes what it needs out of them before returning.
      try {
        edge.accept(index, from, outputs, wm);
      } finally {
        // Emptied whatever happened: a list handed over twice would queue its outputs twice.
        if (from.size() > MAX_KEPT_CAPACITY) {
          from = new ArrayList<>(MIN_CAPACITY);
          outputs = new ArrayList<>(MIN_CAPACITY);
        } else {
          from.clear();
          outputs.clear();
        }
      }
      return;
    }
    if (from.isEmpty()) {
      // Only the watermark moved: never hand over the lists this loop keeps appending to.
      edgeContext.runOnContext(v -> edge.accept(index, List.of(), List.of(), wm));
      return;
    }
    List<Element> f = from;
    List<EdgeMessage> o = outputs;
    outputCapacity = nextCapacity(outputCapacity, f.size());
    from = new ArrayList<>(outputCapacity);
    outputs = new ArrayList<>(outputCapacity);
    edgeContext.runOnContext(v -> edge.accept(index, f, o, wm));
  }

  /**
   * The capacity of new lists for a turn whose lists change hands (an edge on another loop, and
   * the acks): the size of the last turn, or, when that was smaller, the last capacity less an
   * eighth, at least 16. A list sized to the last turn alone grows by halves from a small turn's
   * size to a large one's (a dozen copies from 1 to 500); this follows the largest recent turn.
   * (An edge on the same loop keeps its two lists instead, which allocates nothing per turn.)
   */
  static int nextCapacity(int capacity, int used) {
    if (used > MAX_KEPT_CAPACITY) {
      return MIN_CAPACITY; // a one-off burst (a flatmap's): not carried into the next turns
    }
    return Math.max(MIN_CAPACITY, Math.max(used, capacity - (capacity >> 3)));
  }

  /** On the edge's loop: one output of this instance was taken back from the orphaned edge (see {@link #flushGivenBack}). */
  void givenBackOnEdgeLoop(Element e) {
    givenBack.add(e);
  }

  /** On the edge's loop: hands the outputs taken back since the last call to the instance, whose engine nacks their inputs. */
  void flushGivenBack(String reason) {
    if (givenBack.isEmpty()) {
      return;
    }
    List<Element> batch = givenBack;
    givenBack = new ArrayList<>();
    instanceContext.runOnContext(x -> engine.onOutputsGivenBack(batch, reason));
  }

  /** On the edge's loop: the output edge is orphaned ({@code reason}) or read again (null). */
  void orphanedOnEdgeLoop(String reason) {
    instanceContext.runOnContext(x -> {
      orphanReason = reason;
      if (engine != null) {
        engine.orphaned(reason);
      }
    });
  }

  /** On the edge's loop: one output of this instance was acked downstream, with its reply when it serves (else null). */
  void ackedOnEdgeLoop(Element e, List<ReplyOutput> reply) {
    if (reply != null && replies == null) {
      replies = new ArrayList<>(Math.max(16, acked.size() + 1));
      for (int i = 0, n = acked.size(); i < n; i++) {
        replies.add(null);
      }
    }
    acked.add(e);
    if (replies != null) {
      replies.add(reply);
    }
    if (!ackScheduled) {
      ackScheduled = true;
      edgeContext.runOnContext(v -> {
        ackScheduled = false;
        List<Element> batch = acked;
        List<List<ReplyOutput>> batchReplies = replies;
        ackedCapacity = nextCapacity(ackedCapacity, batch.size());
        acked = new ArrayList<>(ackedCapacity);
        replies = null;
        instanceContext.runOnContext(x -> engine.onOutputsAcked(batch, batchReplies));
      });
    }
  }
}
