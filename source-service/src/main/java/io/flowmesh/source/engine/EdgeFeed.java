package io.flowmesh.source.engine;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.MessageTooLargeException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Offers what a producer read and holds to the edge, against the edge's demand: records wait in
 * lanes (Kafka: one per assigned partition; udsource: one), and the feed takes the next record of
 * each lane in turn, so no lane starves another. A record becomes a message only as it is offered.
 * When the edge refuses one (its queue is full), the record goes back to the front of its lane and
 * the feed stops; a record the edge can never take (over {@code edge.max-message-bytes}) is handed
 * to {@link Records#oversized} and the feed goes on. What was offered is counted in
 * {@link SourceMetrics} once per call.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop, like the producer that owns it.
 *
 * @param <L> a lane
 * @param <R> a record waiting in a lane
 */
public final class EdgeFeed<L, R> {

  /** The most messages one call offers, so one call does not hold the event loop for long. */
  static final int MAX_PER_CALL = 4096;

  /** What the feed needs of a producer's records. */
  public interface Records<L, R> {
    /** The lane's records not offered yet, oldest first. */
    ArrayDeque<R> unsent(L lane);

    /** The message of {@code record}, made as it is offered ({@code nowMillis}: its ingest time). */
    EdgeMessage toMessage(L lane, R record, long nowMillis);

    /** What the edge hands back with the message's ack. */
    Object attachment(L lane, R record);

    /** {@code record} can never cross the edge: it is out of its lane, and the producer settles it for good. */
    void oversized(L lane, R record, MessageTooLargeException e);
  }

  private final Records<L, R> records;
  private final SourceMetrics metrics;
  private int cursor;
  private long produced;

  public EdgeFeed(Records<L, R> records, SourceMetrics metrics) {
    this.records = records;
    this.metrics = metrics;
  }

  /**
   * Offers records of {@code lanes}, one lane after the other, while the edge has demand and takes
   * them, at most {@value #MAX_PER_CALL}.
   *
   * @return how many were offered
   */
  public long feed(EdgeServer server, List<L> lanes) {
    int size = lanes.size();
    if (size == 0) {
      return 0;
    }
    long n = Math.min(server.demand(), MAX_PER_CALL);
    long now = System.currentTimeMillis();
    int idleInARow = 0;
    long bytes = 0;
    long sent = 0;
    while (n > 0 && idleInARow < size) {
      L lane = lanes.get(cursor % size);
      cursor = (cursor + 1) % size;
      ArrayDeque<R> unsent = records.unsent(lane);
      R r = unsent.poll();
      if (r == null) {
        idleInARow++;
        continue;
      }
      idleInARow = 0;
      EdgeMessage m = records.toMessage(lane, r, now);
      boolean offered;
      try {
        offered = server.offer(m, records.attachment(lane, r));
      } catch (MessageTooLargeException e) {
        records.oversized(lane, r, e);
        continue;
      }
      if (!offered) {
        unsent.addFirst(r);
        break;
      }
      bytes += m.getValue().size();
      sent++;
      n--;
    }
    if (sent > 0) {
      produced += sent;
      metrics.produced(sent, bytes);
    }
    return sent;
  }

  /** Messages offered so far. */
  public long produced() {
    return produced;
  }
}
