package io.flowmesh.source.transformer;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.MergedReply;
import java.util.List;

/**
 * One input in the {@link TransformStage}: sent or waiting to be, then its outputs outstanding on the
 * edge.
 *
 * <p>Concurrency: owned by the stage's event loop.
 */
final class TransformInput {
  final EdgeMessage input;
  final Object attachment;
  long sentNanos;
  int outstanding;
  /** Serving: the replies of its outputs acked so far, merged under the frame cap (null until one comes). */
  private MergedReply reply;

  TransformInput(EdgeMessage input, Object attachment) {
    this.input = input;
    this.attachment = attachment;
  }

  /** Adds an output's reply (null: a plain ack) to the input's, under the cap of {@code maxFrameBytes}. */
  void reply(List<ReplyOutput> outputReply, int maxFrameBytes) {
    if (outputReply == null) {
      return;
    }
    if (reply == null) {
      reply = new MergedReply(maxFrameBytes);
    }
    reply.add(outputReply);
  }

  /**
   * What the input is acked with: null for a plain one; for a serving one the union of its outputs'
   * replies (none: empty), or a failure naming the size when they grew over the cap.
   */
  List<ReplyOutput> upstreamReply(String vertex) {
    if (!input.getServe()) {
      return null;
    }
    List<ReplyOutput> r = reply == null ? null : reply.take(input.getId(), vertex);
    return r == null ? List.of() : r;
  }
}
