package io.flowmesh.runtime.edge;

import java.util.NoSuchElementException;

/**
 * The upstream's queue of messages waiting for a subscriber with credit: a ring of messages with
 * one attachment each (the vertex's own record, handed back on ack), allocation-free once grown.
 * New messages go to the back; redeliveries go back to the front, in their original order.
 *
 * <p>{@link #capacity()} bounds what producers may {@link #offer}; redeliveries are always taken
 * (they were already counted once), so the ring grows past it when it must.
 *
 * <p>Positions are absolute (the front's is {@code first}, index {@code position & (length - 1)}),
 * so a look over what waited since the previous one ({@link #detachOlderThan}) knows which
 * messages those are through growth and wrap.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class OutboundQueue {

  private final int capacity;
  private EdgeMessage[] messages;
  private Object[] attachments;
  /** The front's position; the back's is {@code first + size}, which only {@link #offer} moves. */
  private long first;
  private int size;
  private long bytes;
  /**
   * {@code first + size} at the previous look: what was offered before it has waited since then at
   * least (a redelivery put back at the front since has a position below it too, and counts as old:
   * it was sent before).
   */
  private long mark;
  /** {@code first} at the previous look. */
  private long markFirst;
  /** Whether the previous look judged every queued message (none was offered since the one before). */
  private boolean judgedAll;
  /** Looks that walked the queue (for tests). */
  int walks;
  /** Set when a message that may pin a frame is queued; cleared by a look that leaves none. */
  private boolean mayPin;
  private final FrameLook look = new FrameLook();

  public OutboundQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    int ring = Integer.highestOneBit(Math.max(16, Math.min(capacity, 1 << 16)) - 1) << 1;
    messages = new EdgeMessage[ring];
    attachments = new Object[ring];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** How many messages producers may queue. */
  public int capacity() {
    return capacity;
  }

  /** Room left for producers (0 when at or over capacity). */
  public int room() {
    return Math.max(0, capacity - size);
  }

  /** Payload bytes queued (sum of the values' sizes). */
  public long bytes() {
    return bytes;
  }

  /** Adds at the back if there is room; false when full. */
  public boolean offer(EdgeMessage m, Object attachment) {
    return offer(m, attachment, false);
  }

  /**
   * Adds at the back if there is room, or whatever the capacity when {@code overBound} (the ring
   * grows: see {@code EdgeServer.offerOverBound}); false when full and not {@code overBound}.
   */
  public boolean offer(EdgeMessage m, Object attachment, boolean overBound) {
    if (size >= capacity && !overBound) {
      return false;
    }
    ensureRoom();
    int i = index(first + size);
    messages[i] = m;
    attachments[i] = attachment;
    size++;
    bytes += m.getValue().size();
    mayPin |= m.mayPin();
    return true;
  }

  /** Puts a message back at the front (a redelivery), whatever the capacity. */
  public void pushFront(EdgeMessage m, Object attachment) {
    ensureRoom();
    first--;
    int i = index(first);
    messages[i] = m;
    attachments[i] = attachment;
    size++;
    bytes += m.getValue().size();
    mayPin |= m.mayPin();
  }

  /** The message at the front, without removing it. */
  public EdgeMessage peek() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    return messages[index(first)];
  }

  /** The attachment of the message at the front. */
  public Object peekAttachment() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    return attachments[index(first)];
  }

  /** Removes the front message (read it first with {@link #peek()} and {@link #peekAttachment()}). */
  public void remove() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    int i = index(first);
    bytes -= messages[i].getValue().size();
    messages[i] = null;
    attachments[i] = null;
    first++;
    size--;
  }

  /**
   * Gives messages queued since before the previous look bytes of their own where they hold slices
   * of a frame this queue holds less than half of ({@link FrameLook}): with tag conditions a
   * frame's messages go to different edges, and one edge's subscriber that is gone or takes
   * nothing keeps each of its few messages per frame — and so each whole frame — until it comes
   * back. At most once per {@code ageNanos}; a queue whose messages are not slices (a source's
   * generator), or that has not moved since a look that judged all of it, is not walked.
   *
   * @return how many messages were copied
   */
  int detachOlderThan(long now, long ageNanos) {
    if (!look.due(now, ageNanos)) {
      return 0;
    }
    int copied = 0;
    // unmoved since a look that judged everything (a subscriber gone or taking nothing): its answer stands
    boolean unmoved = judgedAll && first == markFirst && first + size == mark;
    if (mayPin && !unmoved) {
      walks++;
      copied = look.copyLate(messages, first, first + size, mark);
      mayPin = look.pinning() > 0;
    }
    judgedAll = mark >= first + size && size <= FrameLook.MAX_LOOKED;
    mark = first + size;
    markFirst = first;
    return copied;
  }

  private int index(long position) {
    return (int) (position & (messages.length - 1));
  }

  private void ensureRoom() {
    if (size < messages.length) {
      return;
    }
    int n = messages.length;
    EdgeMessage[] m = new EdgeMessage[n << 1];
    Object[] a = new Object[n << 1];
    for (long p = first; p < first + size; p++) {
      m[(int) (p & ((n << 1) - 1))] = messages[(int) (p & (n - 1))];
      a[(int) (p & ((n << 1) - 1))] = attachments[(int) (p & (n - 1))];
    }
    messages = m;
    attachments = a;
  }
}
