package io.flowmesh.runtime.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.Reply;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.runtime.errors.Reasons;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's side of the edge protocol, one {@code Subscribe} stream at a time: the checks at
 * open and at the hello (with named edges, the hello's vertex chooses the edge, or the stream is
 * refused), credit, acks, nacks, aborts, protocol violations, and what happens to a stream's unacked
 * messages when it ends (back to the front of its edge's queue).
 *
 * <h2>Concurrency</h2>
 * Owned by its {@link EdgeServer}'s event loop, where every {@link EdgeCall} delivers its frames.
 */
final class EdgeStreams {

  /** Its lines are the edge server's, under that logger. */
  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final EdgeServer server;
  private final String vertex;
  private final EdgeOptions options;
  private final SubscriberAuth auth;
  private final OutboundEdges outbound;
  /** Named edges: streams before their hello, which chooses the edge. */
  private final List<Subscription> pending = new ArrayList<>();
  private final LogLimiter violationLog = new LogLimiter(1000);

  EdgeStreams(Vertx vertx, EdgeServer server, String vertex, EdgeOptions options, SubscriberAuth auth, OutboundEdges outbound) {
    this.vertx = vertx;
    this.server = server;
    this.vertex = vertex;
    this.options = options;
    this.auth = auth;
    this.outbound = outbound;
  }

  void accept(EdgeCall call) {
    Subscription s = new Subscription(call, options.maxUnackedSpan());
    if (outbound.routes.single()) {
      s.edge = outbound.edges[0];
      s.edge.subscribers.add(s);
    } else {
      pending.add(s);
    }
    call.read(options.maxFrameBytes(), new EdgeCall.Events() {
      @Override
      public void onFrame(Buffer bytes) {
        if (s.closed) {
          return;
        }
        SubscriberFrame frame;
        try {
          frame = Frames.parse(bytes, SubscriberFrame.parser());
        } catch (InvalidProtocolBufferException e) {
          violation(s, GrpcStatus.INVALID_ARGUMENT, "malformed frame, not an edge SubscriberFrame: " + Reasons.of(e));
          return;
        }
        EdgeStreams.this.onFrame(s, frame);
      }

      @Override
      public void onTooLarge(long size) {
        // Only the length prefix was read; the reset stops the peer sending the rest.
        violation(s, GrpcStatus.RESOURCE_EXHAUSTED, "frame of " + size + " bytes is over edge.max-frame-bytes="
            + options.maxFrameBytes());
        s.call.cancel();
      }

      @Override
      public void onMalformed(String detail) {
        violation(s, GrpcStatus.INVALID_ARGUMENT, "malformed frame: " + detail);
      }

      @Override
      public void onEnd() {
        closed(s, "the subscriber ended the stream");
        s.endResponse(GrpcStatus.OK, null);
      }

      @Override
      public void onFailure(String where, Throwable cause) {
        closed(s, where + ": " + Reasons.of(cause)
            + (where.equals("stream failed") ? " (connection lost; the downstream vertex may have been stopped)" : ""));
      }
    });
    refuseIf(s, auth.atOpen(call.headers()));
  }

  /** Ends a stream that failed a {@link SubscriberAuth} check (null: it passed); true when refused. */
  private boolean refuseIf(Subscription s, SubscriberAuth.Refusal r) {
    if (r == null) {
      return false;
    }
    auth.refused(s.call.connection().remoteAddress(), r);
    s.call.stopReading();
    s.endResponse(r.status(), r.message());
    closed(s, "refused: " + r.reason());
    return true;
  }

  private void onFrame(Subscription s, SubscriberFrame frame) {
    if (s.closed) {
      return;
    }
    switch (frame.getKindCase()) {
      case HELLO:
        onHello(s, frame.getHello());
        return;
      case KIND_NOT_SET:
        violation(s, GrpcStatus.INVALID_ARGUMENT, "empty frame (no hello, credit, ack, nack or abort)");
        return;
      default:
        break;
    }
    if (!s.helloReceived) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "first frame must be a hello, got " + frame.getKindCase().name().toLowerCase());
      return;
    }
    switch (frame.getKindCase()) {
      case CREDIT:
        s.credit.add(unsigned(frame.getCredit().getMessages()));
        server.scheduleDispatch();
        break;
      case ACK:
        onAck(s, frame.getAck());
        break;
      case NACK:
        onNack(s, frame.getNack().getSeqsList(), frame.getNack().getReason());
        break;
      case ABORT:
        LOG.warn("edge aborted by subscriber={} code={} reason={}", s.name(), frame.getAbort().getCode(), frame.getAbort().getMessage());
        s.endResponse(GrpcStatus.CANCELLED, "aborted by the subscriber: " + frame.getAbort().getMessage());
        closed(s, "aborted by the subscriber");
        break;
      default:
        break;
    }
  }

  private void onHello(Subscription s, Hello hello) {
    if (s.helloReceived) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "a second hello on the same edge");
      return;
    }
    if (hello.getProtocolVersion() != EdgeOptions.PROTOCOL_VERSION) {
      violation(s, GrpcStatus.FAILED_PRECONDITION, "edge protocol version " + hello.getProtocolVersion()
          + " is not supported; upstream vertex " + vertex + " speaks version " + EdgeOptions.PROTOCOL_VERSION);
      return;
    }
    if (refuseIf(s, auth.atEdge(hello.getVertex(), hello.getUpstreamVertex(), outbound.routes))
        || refuseIf(s, auth.atHello(s.call.connection(), hello.getVertex()))) {
      return;
    }
    if (s.edge == null) {
      pending.remove(s);
      s.edge = outbound.edgeTo(hello.getVertex());
      s.edge.subscribers.add(s);
    }
    s.helloReceived = true;
    s.subscriberId = hello.getSubscriberId();
    s.vertex = hello.getVertex();
    s.credit.add(unsigned(hello.getInitialCredit()));
    s.lastSendNanos = System.nanoTime();
    LOG.info("edge subscribed vertex={} subscriber={} initialCredit={}", vertex, s.name(), hello.getInitialCredit());
    server.scheduleDispatch();
  }

  /** A uint64 credit: one over 2^63 − 1 arrives negative, and means unbounded, as granting saturates there. */
  private static long unsigned(long credit) {
    return credit < 0 ? Long.MAX_VALUE : credit;
  }

  /** Plain acks name their seqs; acks of messages marked serve come as replies, each with its outputs. */
  private void onAck(Subscription s, Ack ack) {
    int n = 0;
    // getSeqs(i), not getSeqsList().get(i): the list boxes every sequence number it returns.
    for (int i = 0, size = ack.getSeqsCount(); i < size; i++) {
      int r = ackOne(s, ack.getSeqs(i), null);
      if (r < 0) {
        s.edge.metrics.acked.increment(n);
        return;
      }
      n += r;
    }
    for (int i = 0, size = ack.getRepliesCount(); i < size; i++) {
      Reply reply = ack.getReplies(i);
      int r = ackOne(s, reply.getSeq(), reply.getOutputsList());
      if (r < 0) {
        s.edge.metrics.acked.increment(n);
        return;
      }
      n += r;
    }
    s.acked += n;
    s.edge.acked += n;
    s.edge.metrics.acked.increment(n);
    server.scheduleDispatch();
  }

  /** 1 when {@code seq} was acked now, 0 when it was already, -1 when it was never sent (the edge is failed). */
  private int ackOne(Subscription s, long seq, List<ReplyOutput> reply) {
    UnackedWindow.AckResult r = s.unacked.ack(seq);
    if (r == UnackedWindow.AckResult.ACKED) {
      server.acked(s.unacked.lastMessage(), s.unacked.lastAttachment(), reply);
      s.unacked.forgetLast(); // else the last acked message keeps its frame until the next ack, which may never come
      return 1;
    }
    if (r == UnackedWindow.AckResult.NEVER_SENT) {
      violation(s, GrpcStatus.INVALID_ARGUMENT, "ack for seq " + seq + ", which was never sent on this edge (next seq is "
          + s.unacked.nextSeq() + ")");
      return -1;
    }
    return 0;
  }

  private void onNack(Subscription s, List<Long> seqs, String reason) {
    List<EdgeMessage> back = new ArrayList<>(seqs.size());
    List<Object> attachments = new ArrayList<>(seqs.size());
    for (long seq : seqs) {
      if (s.unacked.ack(seq) == UnackedWindow.AckResult.ACKED) {
        back.add(s.unacked.lastMessage());
        attachments.add(s.unacked.lastAttachment());
      }
    }
    s.unacked.forgetLast();
    OutboundEdge edge = s.edge;
    edge.metrics.nacked.increment(back.size());
    LOG.debug("edge nack subscriber={} count={} reason={}", s.name(), back.size(), reason);
    vertx.setTimer(options.nackBackoff().toMillis(), id -> {
      edge.requeueNacked(back, attachments);
      server.scheduleDispatch();
    });
  }

  private void violation(Subscription s, GrpcStatus status, String message) {
    if (s.closed) {
      return;
    }
    outbound.metrics().violations.increment();
    s.call.stopReading();
    if (violationLog.allow()) {
      LOG.warn("edge protocol violation vertex={} subscriber={} status={} reason={}{}", vertex, s.name(), status.name(), message,
          violationLog.suppressedSuffix());
    }
    s.endResponse(status, message);
    closed(s, "protocol violation");
  }

  private void closed(Subscription s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    int back = 0;
    if (s.edge == null) {
      pending.remove(s);
    } else {
      s.edge.subscribers.remove(s);
      back = s.edge.requeue(s);
    }
    if (s.helloReceived) {
      LOG.info("edge closed vertex={} subscriber={} requeued={} why={}", vertex, s.name(), back, why);
    }
    server.scheduleDispatch();
  }

  /** Ends every stream not yet ended, on every edge, with {@code status} and {@code message}. */
  void endAll(GrpcStatus status, String message) {
    List<Subscription> all = new ArrayList<>(pending);
    for (OutboundEdge e : outbound.edges) {
      all.addAll(e.subscribers);
    }
    for (Subscription s : all) {
      if (!s.closed) {
        s.endResponse(status, message);
      }
    }
  }

  /** Streams that have not said hello yet (named edges only; with one edge they are listed with it). */
  io.vertx.core.json.JsonArray pendingStatus() {
    io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
    pending.forEach(s -> a.add(s.status()));
    return a;
  }
}
