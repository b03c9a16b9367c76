package io.flowmesh.runtime.edge;

import com.google.protobuf.CodedOutputStream;
import io.flowmesh.proto.edge.v1.Reply;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply of a serving message gathered from several acks — a map input's outputs, a fan-out's
 * copies — and the one size cap every reply keeps, so that its ack frame fits
 * {@code edge.max-frame-bytes} (docs/serving.md). A reply over the cap would break the link on
 * every try: its message would be redelivered forever. So a reply that grows over it is replaced by
 * a failure reply ({@link ReplyFailures}) naming its size and the limit; the message itself counts
 * as acked, and its caller gets 502.
 *
 * <p>Merging is copy-on-second-add: the first reply is kept as it came (no copy), a list of its own
 * is made only when a second non-empty one comes. Sizes are measured as replies are added (protobuf
 * keeps each output's size once computed); once over the cap the outputs are let go and only the
 * size is counted on. Plain acks never come here.
 *
 * <h2>Concurrency</h2>
 * Owned by one event loop (the element's or the edge server's).
 */
public final class MergedReply {

  /**
   * What an ack frame needs around one reply's outputs, at most: the SubscriberFrame's ack field,
   * the Ack's replies field and the Reply's seq (tags, lengths, the seq's varint), with room to spare.
   */
  static final int FRAME_OVERHEAD = 64;

  private final int maxFrameBytes;
  private List<ReplyOutput> outputs;
  private boolean owned;
  /** Bytes of the replies added so far, as outputs of a Reply (each with its tag and length). */
  private long bytes;
  private boolean any;

  /** A merge under the cap of {@code maxFrameBytes} ({@code edge.max-frame-bytes}). */
  public MergedReply(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The most bytes a reply's outputs may take (as in a Reply) so that its ack frame fits {@code maxFrameBytes}. */
  public static long cap(int maxFrameBytes) {
    return maxFrameBytes - FRAME_OVERHEAD;
  }

  /** The bytes {@code reply} takes as the outputs of a {@link Reply}. */
  public static long size(List<ReplyOutput> reply) {
    long n = 0;
    for (int i = 0, size = reply.size(); i < size; i++) {
      n += CodedOutputStream.computeMessageSize(Reply.OUTPUTS_FIELD_NUMBER, reply.get(i));
    }
    return n;
  }

  /**
   * {@code reply} if it fits the cap, else a failure reply for message {@code id} at {@code vertex}
   * naming its size and the limit: for a reply made in one piece (a sink's), or one about to be sent.
   */
  public static List<ReplyOutput> fit(List<ReplyOutput> reply, String id, String vertex, int maxFrameBytes) {
    long bytes = size(reply);
    return bytes <= cap(maxFrameBytes) ? reply : overCap(id, vertex, bytes, maxFrameBytes);
  }

  /** The failure reply of message {@code id} whose reply took {@code bytes}. */
  static List<ReplyOutput> overCap(String id, String vertex, long bytes, int maxFrameBytes) {
    long cap = cap(maxFrameBytes);
    return ReplyFailures.of(id, vertex, "its reply was " + bytes + " bytes, " + (bytes - cap) + " bytes over the " + cap
        + " an ack frame can carry under edge.max-frame-bytes=" + maxFrameBytes + " (the outputs were written; the answer"
        + " is too large to travel home: raise edge.max-frame-bytes on every vertex, or make the outputs smaller)");
  }

  /** Adds one ack's reply (null: a plain ack or a peer that sends no replies, ignored). */
  public void add(List<ReplyOutput> reply) {
    if (reply == null) {
      return;
    }
    any = true;
    bytes += size(reply);
    if (bytes > cap(maxFrameBytes)) {
      outputs = null;
      owned = false;
      return;
    }
    if (outputs == null) {
      outputs = reply;
    } else if (!reply.isEmpty()) {
      if (!owned) {
        outputs = new ArrayList<>(outputs);
        owned = true;
      }
      outputs.addAll(reply);
    }
  }

  /** Bytes of the replies added so far. */
  public long bytes() {
    return bytes;
  }

  /**
   * The merged reply of message {@code id}: every reply added, in order; null when none was; a
   * failure reply naming the size and the limit ({@code vertex} where it happened) when they grew
   * over the cap. Starts over empty, so that this merge can be reused.
   */
  public List<ReplyOutput> take(String id, String vertex) {
    List<ReplyOutput> r = !any ? null : bytes > cap(maxFrameBytes) ? overCap(id, vertex, bytes, maxFrameBytes)
        : outputs;
    clear();
    return r;
  }

  /** Forgets what was added (the message is done and nobody is told). */
  public void clear() {
    outputs = null;
    owned = false;
    bytes = 0;
    any = false;
  }
}
