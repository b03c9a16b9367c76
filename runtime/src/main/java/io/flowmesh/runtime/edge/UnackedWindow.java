package io.flowmesh.runtime.edge;

/**
 * The messages sent on one edge and not yet acknowledged, by sequence number. Sequence numbers
 * are assigned in order ({@link #add}); acks may come in any order. A ring indexed by sequence
 * number makes add and ack O(1) and allocation-free; it grows when an old message stays unacked
 * while newer ones flow past it, up to a span limit after which the sender must wait.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class UnackedWindow {

  /** What {@link #ack} found. */
  public enum AckResult { ACKED, NEVER_SENT, ALREADY_DONE }

  private final int maxSpan;
  private EdgeMessage[] messages;
  private Object[] attachments;
  private long base;
  private long next;
  private int count;
  /** {@link #next} at the previous look: everything below was sent before then. */
  private long mark;
  /** Set when a message that may pin a frame is added; cleared by a look that leaves none. */
  private boolean mayPin;
  private final FrameLook look = new FrameLook();

  /**
   * @param firstSeq the sequence number of the first message
   * @param maxSpan the largest distance allowed between the oldest unacked and the next sequence number
   */
  public UnackedWindow(long firstSeq, int maxSpan) {
    if (maxSpan < 1) {
      throw new IllegalArgumentException("maxSpan must be at least 1: " + maxSpan);
    }
    this.maxSpan = maxSpan;
    this.base = firstSeq;
    this.next = firstSeq;
    this.mark = firstSeq;
    int ring = Integer.highestOneBit(Math.max(16, Math.min(maxSpan, 1 << 12)) - 1) << 1;
    messages = new EdgeMessage[ring];
    attachments = new Object[ring];
  }

  /** Messages sent and not yet acked or nacked. */
  public int count() {
    return count;
  }

  /** The sequence number the next {@link #add} assigns. */
  public long nextSeq() {
    return next;
  }

  /** How many more messages may be added before the span limit is reached. */
  public int room() {
    return (int) Math.max(0, maxSpan - (next - base));
  }

  /**
   * Records a message as sent and returns its sequence number.
   *
   * @throws IllegalStateException when the window span is exhausted (check {@link #room()})
   */
  public long add(EdgeMessage m, Object attachment) {
    if (next - base >= maxSpan) {
      throw new IllegalStateException("unacked window full: oldest unacked seq " + base + ", next " + next);
    }
    if (next - base >= messages.length) {
      grow();
    }
    int i = (int) (next & (messages.length - 1));
    messages[i] = m;
    attachments[i] = attachment;
    mayPin |= m.mayPin();
    count++;
    return next++;
  }

  /** Acknowledges {@code seq}; the message and attachment are then available from {@link #lastMessage()} and {@link #lastAttachment()}. */
  public AckResult ack(long seq) {
    if (seq < 0 || seq >= next) {
      return AckResult.NEVER_SENT;
    }
    if (seq < base) {
      return AckResult.ALREADY_DONE;
    }
    int i = (int) (seq & (messages.length - 1));
    EdgeMessage m = messages[i];
    if (m == null) {
      return AckResult.ALREADY_DONE;
    }
    lastMessage = m;
    lastAttachment = attachments[i];
    messages[i] = null;
    attachments[i] = null;
    count--;
    while (base < next && messages[(int) (base & (messages.length - 1))] == null) {
      base++;
    }
    return AckResult.ACKED;
  }

  private EdgeMessage lastMessage;
  private Object lastAttachment;

  /** The message of the last successful {@link #ack}. */
  public EdgeMessage lastMessage() {
    return lastMessage;
  }

  /** The attachment of the last successful {@link #ack}. */
  public Object lastAttachment() {
    return lastAttachment;
  }

  /** Lets go of the last acked message and attachment (read them first). */
  public void forgetLast() {
    lastMessage = null;
    lastAttachment = null;
  }

  /**
   * Visits every unacked message from the newest to the oldest and empties the window, so a
   * caller pushing each to the front of a queue restores the original order.
   */
  public void drainNewestFirst(Visitor visitor) {
    for (long s = next - 1; s >= base; s--) {
      int i = (int) (s & (messages.length - 1));
      if (messages[i] != null) {
        EdgeMessage m = messages[i];
        Object a = attachments[i];
        messages[i] = null;
        attachments[i] = null;
        visitor.visit(s, m, a);
      }
    }
    base = next;
    count = 0;
    lastMessage = null;
    lastAttachment = null;
  }

  /**
   * Gives messages unacked for at least {@code ageNanos} bytes of their own where they held slices
   * of a frame this window no longer holds much of ({@link EdgeMessage#detached}): acks come in any
   * order, and with several edges a frame's messages go different ways, so one acked late would
   * otherwise keep the whole frame it was cut from (an input batch, a turn's UDF answers) alive
   * after the rest of it was acked or sent elsewhere.
   *
   * <p>Called with the clock as it is read anyway (after each send, on the heartbeat); at most once
   * per {@code ageNanos} it sums, per frame (the array a message's value is a slice of), the encoded
   * size of the unacked messages cut from it, and copies each message sent before its previous look
   * whose frame this window holds less than half of ({@link FrameLook}). A downstream slow to ack
   * everything has little copied: the frames hold what waits. A window that holds no message that may pin a frame
   * (a source's) is not looked at until it does. No send time is kept per message: a late message
   * is copied one to two {@code ageNanos} after it was sent, or once most of its frame was let go
   * of if that came later (later still when the calls are further apart).
   *
   * @return how many messages were copied
   */
  public int detachOlderThan(long now, long ageNanos) {
    if (!look.due(now, ageNanos)) {
      return 0;
    }
    int copied = 0;
    if (mayPin) {
      copied = look.copyLate(messages, base, next, mark);
      mayPin = look.pinning() > 0;
    }
    mark = next;
    return copied;
  }

  /** Receives drained messages. */
  public interface Visitor {
    void visit(long seq, EdgeMessage message, Object attachment);
  }

  private void grow() {
    int n = messages.length;
    EdgeMessage[] m = new EdgeMessage[n << 1];
    Object[] a = new Object[n << 1];
    for (long s = base; s < next; s++) {
      m[(int) (s & ((n << 1) - 1))] = messages[(int) (s & (n - 1))];
      a[(int) (s & ((n << 1) - 1))] = attachments[(int) (s & (n - 1))];
    }
    messages = m;
    attachments = a;
  }
}
