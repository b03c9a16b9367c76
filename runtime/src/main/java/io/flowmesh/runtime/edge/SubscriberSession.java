package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Credit;
import io.flowmesh.proto.edge.v1.Nack;
import io.flowmesh.proto.edge.v1.Reply;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientRequest;

/**
 * One connection attempt's stream, as the downstream sees it. Deliveries remember their session,
 * so an ack for a message of an earlier, lost stream is recognised and not sent on the new one
 * (whose sequence numbers mean other messages).
 *
 * <p>Concurrency: owned by its {@link EdgeSubscriber}'s event loop.
 */
final class SubscriberSession {

  final GrpcClientRequest<SubscriberFrame, UpstreamFrame> request;
  /** Credit granted on this stream and not yet used by the upstream. */
  final CreditBalance credit = new CreditBalance();
  /** Credit granted since the last Credit frame was written. */
  long unannouncedCredit;
  /** Delivered to the vertex and not yet acked or nacked. */
  int unacked;
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

  /** Replies beyond this many bytes go in a further ack frame (half of {@code edge.max-frame-bytes}). */
  private final long replyBytesPerFrame;

  SubscriberSession(GrpcClientRequest<SubscriberFrame, UpstreamFrame> request, long maxFrameBytes) {
    this.request = request;
    this.replyBytesPerFrame = Math.max(1, maxFrameBytes / 2);
  }

  void addAck(long seq) {
    if (ackCount == acks.length) {
      acks = java.util.Arrays.copyOf(acks, acks.length << 1);
    }
    acks[ackCount++] = seq;
  }

  void addReply(long seq, java.util.List<ReplyOutput> outputs) {
    if (replies == null) {
      replies = new java.util.ArrayList<>();
    }
    replies.add(Reply.newBuilder().setSeq(seq).addAllOutputs(outputs).build());
  }

  void addNack(long seq, String reason) {
    if (nackCount == nacks.length) {
      nacks = java.util.Arrays.copyOf(nacks, nacks.length << 1);
    }
    nacks[nackCount++] = seq;
    nackReason = reason;
  }

  /** Writes the acks, nacks and credit gathered since the last flush, one frame of each kind at most. */
  void flush() {
    boolean withReplies = replies != null && !replies.isEmpty();
    if (ackCount > 0 || withReplies) {
      Ack.Builder ack = Ack.newBuilder();
      for (int i = 0; i < ackCount; i++) {
        ack.addSeqs(acks[i]);
      }
      ackCount = 0;
      if (withReplies) {
        long bytes = 0;
        for (int i = 0, n = replies.size(); i < n; i++) {
          Reply r = replies.get(i);
          bytes += r.getSerializedSize();
          if (bytes > replyBytesPerFrame && ack.getRepliesCount() > 0) {
            request.write(SubscriberFrame.newBuilder().setAck(ack).build());
            ack = Ack.newBuilder();
            bytes = r.getSerializedSize();
          }
          ack.addReplies(r);
        }
        replies.clear();
      }
      request.write(SubscriberFrame.newBuilder().setAck(ack).build());
    }
    if (nackCount > 0) {
      Nack.Builder nack = Nack.newBuilder().setReason(nackReason);
      for (int i = 0; i < nackCount; i++) {
        nack.addSeqs(nacks[i]);
      }
      nackCount = 0;
      request.write(SubscriberFrame.newBuilder().setNack(nack).build());
    }
    if (unannouncedCredit > 0) {
      request.write(SubscriberFrame.newBuilder().setCredit(Credit.newBuilder().setMessages(unannouncedCredit)).build());
      unannouncedCredit = 0;
    }
  }
}
