package io.flowmesh.runtime.edge;

import com.google.protobuf.CodedOutputStream;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Credit;
import io.flowmesh.proto.edge.v1.Nack;
import io.flowmesh.proto.edge.v1.Reply;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.vertx.core.Promise;

/**
 * One connection attempt's stream, as the downstream sees it. Deliveries remember their session,
 * so an ack for a message of an earlier, lost stream is recognised and not sent on the new one
 * (whose sequence numbers mean other messages).
 *
 * <p>Concurrency: owned by its {@link EdgeSubscriber}'s event loop.
 */
final class SubscriberSession {

  final EdgeClientCall call;
  /** Credit granted on this stream and not yet used by the upstream. */
  final CreditBalance credit = new CreditBalance();
  /** Credit granted since the last Credit frame was written. */
  long unannouncedCredit;
  /** Delivered to the vertex and not yet acked or nacked. */
  int unacked;
  /** The payload bytes of those: what the vertex may still hold of this stream's messages. */
  long unackedBytes;
  /** The sequence number the next batch must start with. */
  long expectedSeq;
  long[] acks = new long[1024];
  int ackCount;
  long[] nacks = new long[16];
  int nackCount;
  String nackReason = "";
  /** Acks of messages marked serve, with their replies, since the last flush; null until the first. */
  java.util.List<Reply> replies;
  boolean closed;
  /** Completed when the upstream ended the stream, or the stream failed: nothing more will arrive on it. */
  final Promise<Void> ended = Promise.promise();

  /**
   * The most bytes of seqs and replies in one ack frame: {@code edge.max-frame-bytes} less the frame's
   * own fields; what is beyond goes in a further ack frame. A reply alone always fits: it is capped
   * ({@link MergedReply#cap}) below this.
   */
  private final long ackBytesPerFrame;

  /** A SubscriberFrame's ack field and the Ack's packed seqs field: tags and lengths, with room to spare. */
  private static final int ACK_FRAME_OVERHEAD = 16;

  SubscriberSession(EdgeClientCall call, long maxFrameBytes) {
    this.call = call;
    this.ackBytesPerFrame = maxFrameBytes - ACK_FRAME_OVERHEAD;
  }

  /**
   * Counts the delivery of {@code seq} (of {@code payloadBytes}) settled and queues its ack (with
   * {@code reply} when not null) for the next flush; false, and nothing queued, when this stream is
   * closed (the ack is stale).
   */
  boolean settle(long seq, int payloadBytes, java.util.List<ReplyOutput> reply) {
    if (closed) {
      return false;
    }
    unacked--;
    unackedBytes -= payloadBytes;
    if (reply == null) {
      addAck(seq);
    } else {
      addReply(seq, reply);
    }
    return true;
  }

  /** As {@link #settle}, for a nack. */
  boolean settleNack(long seq, int payloadBytes, String reason) {
    if (closed) {
      return false;
    }
    unacked--;
    unackedBytes -= payloadBytes;
    addNack(seq, reason);
    return true;
  }

  private void addAck(long seq) {
    if (ackCount == acks.length) {
      acks = java.util.Arrays.copyOf(acks, acks.length << 1);
    }
    acks[ackCount++] = seq;
  }

  private void addReply(long seq, java.util.List<ReplyOutput> outputs) {
    if (replies == null) {
      replies = new java.util.ArrayList<>();
    }
    replies.add(Reply.newBuilder().setSeq(seq).addAllOutputs(outputs).build());
  }

  private void addNack(long seq, String reason) {
    if (nackCount == nacks.length) {
      nacks = java.util.Arrays.copyOf(nacks, nacks.length << 1);
    }
    nacks[nackCount++] = seq;
    nackReason = reason;
  }

  /**
   * Writes the acks, nacks and credit gathered since the last flush: one frame of each kind, or more
   * ack frames when the seqs and replies would not fit one ({@code edge.max-frame-bytes}).
   */
  void flush() {
    boolean withReplies = replies != null && !replies.isEmpty();
    if (ackCount > 0 || withReplies) {
      Ack.Builder ack = Ack.newBuilder();
      long bytes = 0;
      for (int i = 0; i < ackCount; i++) {
        int size = CodedOutputStream.computeUInt64SizeNoTag(acks[i]);
        if (bytes + size > ackBytesPerFrame) {
          call.write(SubscriberFrame.newBuilder().setAck(ack).build());
          ack = Ack.newBuilder();
          bytes = 0;
        }
        ack.addSeqs(acks[i]);
        bytes += size;
      }
      ackCount = 0;
      if (withReplies) {
        for (int i = 0, n = replies.size(); i < n; i++) {
          Reply r = replies.get(i);
          int size = CodedOutputStream.computeMessageSize(Ack.REPLIES_FIELD_NUMBER, r);
          if (bytes + size > ackBytesPerFrame && bytes > 0) {
            call.write(SubscriberFrame.newBuilder().setAck(ack).build());
            ack = Ack.newBuilder();
            bytes = 0;
          }
          ack.addReplies(r);
          bytes += size;
        }
        replies.clear();
      }
      call.write(SubscriberFrame.newBuilder().setAck(ack).build());
    }
    if (nackCount > 0) {
      Nack.Builder nack = Nack.newBuilder().setReason(nackReason);
      for (int i = 0; i < nackCount; i++) {
        nack.addSeqs(nacks[i]);
      }
      nackCount = 0;
      call.write(SubscriberFrame.newBuilder().setNack(nack).build());
    }
    if (unannouncedCredit > 0) {
      call.write(SubscriberFrame.newBuilder().setCredit(Credit.newBuilder().setMessages(unannouncedCredit)).build());
      unannouncedCredit = 0;
    }
  }
}
