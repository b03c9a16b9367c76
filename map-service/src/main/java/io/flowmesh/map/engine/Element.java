package io.flowmesh.map.engine;

import com.google.protobuf.CodedOutputStream;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.MergedReply;
import java.io.IOException;
import java.util.List;

/**
 * One input element from the moment the engine takes it from the edge until it is acked
 * upstream: waiting for its key, in the UDF, or with outputs not yet acked downstream. It is the
 * engine's only per-element record: the watermark heap, the key sequencer and the UDF client all
 * link to it instead of allocating their own.
 *
 * <p>Concurrency: owned by its engine's event loop.
 */
public final class Element implements io.flowmesh.map.udf.UdfElement {

  final Delivery delivery;
  final EdgeSubscriber from;
  final Object owner;
  /** The ordering key, or null when ordering is off. */
  final String key;
  final long arrivalWatermark;
  /**
   * Whether the input has headers: asked once, as the generated message allocates an empty map
   * field each time it is asked about headers it does not have.
   */
  final boolean hasHeaders;
  /** Index in the watermark heap, -1 when not in it. */
  int heapIndex = -1;
  /** The next element of the same key waiting behind this one. */
  Element nextOfKey;
  /** Outputs handed downstream and not yet acked. */
  int pendingOutputs;
  /** When the engine sent it to the UDF ({@link System#nanoTime()}, read once per pump). */
  long startNanos;
  /** Its input's bytes are its own, no longer slices of the frame they arrived in ({@link #detach}). */
  boolean detached;
  /** Given back upstream (nacked) because nobody reads the output edge; its outputs' acks no longer count. */
  boolean givenBack;
  /** The encoded size of the UDF request, -1 until first asked. */
  private int requestSize = -1;
  /** A serving input: the replies of its outputs acked so far, merged under the cap (null while none came). */
  private MergedReply reply;

  Element(Delivery delivery, EdgeSubscriber from, Object owner, String key) {
    this.delivery = delivery;
    this.hasHeaders = delivery.message().getHeadersCount() > 0;
    this.from = from;
    this.owner = owner;
    this.key = key;
    this.arrivalWatermark = delivery.watermark();
  }

  /** When the engine sent it to the UDF ({@link System#nanoTime()}). */
  public long startNanos() {
    return startNanos;
  }

  /** An element with no edge behind it, for tests of the pure structures. */
  Element(long arrivalWatermark, String key) {
    this.delivery = null;
    this.hasHeaders = false;
    this.from = null;
    this.owner = null;
    this.key = key;
    this.arrivalWatermark = arrivalWatermark;
  }

  /** The engine instance this element belongs to (used to route acks back to its event loop). */
  public Object owner() {
    return owner;
  }

  /** The input as it arrived; its message is null once the element's outputs are built (unless it is serving). */
  public Delivery delivery() {
    return delivery;
  }

  /** The watermark the element arrived with. */
  public long arrivalWatermark() {
    return arrivalWatermark;
  }

  /**
   * An output of this element was acked downstream with {@code outputReply} (null: a plain ack),
   * merged with its siblings' under the cap of the input's edge ({@link MergedReply}).
   */
  void outputAcked(List<ReplyOutput> outputReply) {
    if (outputReply == null) {
      return;
    }
    if (reply == null) {
      reply = new MergedReply(from.maxFrameBytes());
    }
    reply.add(outputReply);
  }

  /**
   * Acks the input upstream: a serving input with the replies of all its outputs (a failure reply
   * when together they are over the cap), an explicit empty reply when it had none (dropped, or no
   * result), so its caller gets an empty answer.
   */
  void ackUpstream() {
    if (delivery.serve()) {
      List<ReplyOutput> r = reply == null ? null : reply.take(delivery.message().getId(), from.vertex());
      from.ack(delivery, r == null ? List.of() : r);
    } else {
      from.ack(delivery);
    }
  }

  /**
   * Acks the input upstream after the UDF gave up on it and it is dropped ({@code udf.on-failure=drop}):
   * a serving input's reply says so ({@link io.flowmesh.runtime.edge.ReplyFailures}), so its caller gets
   * 502, not the empty answer of a deliberate filter.
   */
  void ackUpstreamFailed(String why) {
    if (delivery.serve()) {
      from.ack(delivery, io.flowmesh.runtime.edge.ReplyFailures.of(delivery.message().getId(), "",
          "the map UDF gave up on it and it was dropped (udf.on-failure=drop): " + why));
    } else {
      from.ack(delivery);
    }
  }

  /**
   * Copies the input's bytes out of the frame they are slices of ({@link Delivery#detach}): an
   * element with a slow UDF call would otherwise keep its whole batch's frame alive until it ends.
   * With key ordering the elements waiting behind it for their key wait as long, so they are
   * detached with it, and so is any that joins them later ({@link KeySequencer#admit}): behind a
   * detached element every element of its key is detached.
   */
  @Override
  public int detach() {
    int n = 0;
    for (Element e = this; e != null && !e.detached; e = e.nextOfKey) {
      e.detached = true;
      if (e.delivery != null) {
        e.delivery.detach();
      }
      n++;
    }
    return n;
  }

  /** The UDF request's size, computed once. */
  @Override
  public int requestSize() {
    if (requestSize < 0) {
      requestSize = UdfRequests.size(delivery.message(), arrivalWatermark, hasHeaders);
    }
    return requestSize;
  }

  /** Writes the UDF request from the input message itself, on every attempt. */
  @Override
  public void writeRequest(CodedOutputStream out) throws IOException {
    UdfRequests.write(out, delivery.message(), arrivalWatermark, hasHeaders);
  }
}
