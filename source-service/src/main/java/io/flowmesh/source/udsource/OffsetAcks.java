package io.flowmesh.source.udsource;

import io.flowmesh.proto.udf.source.v1.AckRequest;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.runtime.udf.UdfStream;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The offsets of a udsource from read to confirmed: an offset read is <em>outstanding</em> until
 * its message is acked end to end; then it goes back on {@code AckFn} (the acks of one event-loop
 * turn in one {@code AckRequest}) and is <em>unconfirmed</em> until the UDF's {@code AckResponse}
 * for that request; unconfirmed batches are sent again, in order, after a reconnect. What is still
 * outstanding when the source closes is what it read and gives up on: {@link #takeOutstanding()}
 * for {@link SourceNack}.
 *
 * <p>The outstanding offsets are kept by identity (the edge hands back the very {@link Offset}
 * object the message was offered with) in an {@link IdentityHashMap}, which allocates nothing
 * per entry.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop.
 */
final class OffsetAcks {

  private final Context context;
  private final UdSourceMetrics metrics;
  private final Map<Offset, Boolean> outstanding = new IdentityHashMap<>();
  private final ArrayDeque<List<Offset>> unconfirmed = new ArrayDeque<>();
  private List<Offset> toAck = new ArrayList<>();
  private UdfStream<AckResponse> stream;
  private boolean flushScheduled;
  private long confirmed;
  /** AckRequests sent on the current stream, and AckResponses it gave: for the violation's message. */
  private long sentOnStream;
  private long answeredOnStream;
  private int resentAtOpen;

  OffsetAcks(Context context, UdSourceMetrics metrics) {
    this.context = context;
    this.metrics = metrics;
  }

  /** {@code offset} was read from the UDF. */
  void read(Offset offset) {
    outstanding.put(offset, Boolean.TRUE);
  }

  /** The message of {@code offset} is done (acked end to end, or skipped for good): ack it at the UDF. */
  void ack(Offset offset) {
    outstanding.remove(offset);
    toAck.add(offset);
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  /** A new {@code AckFn} stream is open: the unconfirmed batches go again, in order, then what waits. */
  void opened(UdfStream<AckResponse> s) {
    if (s == stream) {
      return; // told twice of the same stream: its unconfirmed batches went once already
    }
    stream = s;
    sentOnStream = 0;
    answeredOnStream = 0;
    resentAtOpen = unconfirmed.size();
    for (List<Offset> batch : unconfirmed) {
      s.send(frame(batch));
      sentOnStream++;
    }
    flush();
  }

  /** Sends what waits, if the stream is open; else it is kept for the next one. */
  void flush() {
    if (toAck.isEmpty() || stream == null || !stream.isOpen()) {
      return;
    }
    stream.send(frame(toAck));
    sentOnStream++;
    unconfirmed.addLast(toAck);
    toAck = new ArrayList<>();
  }

  /** An {@code AckResponse} on {@code s}: the oldest unconfirmed batch is confirmed. */
  void onResponse(UdfStream<AckResponse> s) {
    if (s != stream) {
      return; // a stream replaced since: what it had unanswered went again on the current one
    }
    answeredOnStream++;
    List<Offset> batch = unconfirmed.pollFirst();
    if (batch == null) {
      s.fail("an AckResponse arrived with no AckRequest unanswered (on this stream " + sentOnStream + " AckRequests sent, "
          + resentAtOpen + " of them again at its start, " + answeredOnStream + " AckResponses)");
      return;
    }
    confirmed += batch.size();
    metrics.ackedAtUdf(batch.size());
  }

  /** Offsets acked end to end and not confirmed by the UDF yet (waiting or sent). */
  int unconfirmed() {
    int n = toAck.size();
    for (List<Offset> b : unconfirmed) {
      n += b.size();
    }
    return n;
  }

  /** Offsets whose {@code AckRequest} the UDF confirmed. */
  long confirmed() {
    return confirmed;
  }

  /** Offsets read and not acked yet. */
  int outstanding() {
    return outstanding.size();
  }

  /**
   * Removes and returns the offsets read and not acked, each once (a record the UDF delivered
   * twice is one offset); an ack that comes for one of them later is still sent.
   */
  List<Offset> takeOutstanding() {
    List<Offset> all = new ArrayList<>(new LinkedHashSet<>(outstanding.keySet()));
    outstanding.clear();
    return all;
  }

  private static byte[] frame(List<Offset> offsets) {
    return GrpcFrames.frame(AckRequest.newBuilder().setRequest(AckRequest.Request.newBuilder().addAllOffsets(offsets)).build());
  }
}
