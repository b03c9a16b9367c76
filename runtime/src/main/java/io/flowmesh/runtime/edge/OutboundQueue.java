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
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class OutboundQueue {

  private final int capacity;
  private EdgeMessage[] messages;
  private Object[] attachments;
  private int head;
  private int size;
  private long bytes;

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
    int i = (head + size) & (messages.length - 1);
    messages[i] = m;
    attachments[i] = attachment;
    size++;
    bytes += m.getValue().size();
    return true;
  }

  /** Puts a message back at the front (a redelivery), whatever the capacity. */
  public void pushFront(EdgeMessage m, Object attachment) {
    ensureRoom();
    head = (head - 1) & (messages.length - 1);
    messages[head] = m;
    attachments[head] = attachment;
    size++;
    bytes += m.getValue().size();
  }

  /** The message at the front, without removing it. */
  public EdgeMessage peek() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    return messages[head];
  }

  /** The attachment of the message at the front. */
  public Object peekAttachment() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    return attachments[head];
  }

  /** Removes the front message (read it first with {@link #peek()} and {@link #peekAttachment()}). */
  public void remove() {
    if (size == 0) {
      throw new NoSuchElementException("queue is empty");
    }
    bytes -= messages[head].getValue().size();
    messages[head] = null;
    attachments[head] = null;
    head = (head + 1) & (messages.length - 1);
    size--;
  }

  private void ensureRoom() {
    if (size < messages.length) {
      return;
    }
    int n = messages.length;
    EdgeMessage[] m = new EdgeMessage[n << 1];
    Object[] a = new Object[n << 1];
    for (int i = 0; i < size; i++) {
      m[i] = messages[(head + i) & (n - 1)];
      a[i] = attachments[(head + i) & (n - 1)];
    }
    messages = m;
    attachments = a;
    head = 0;
  }
}
