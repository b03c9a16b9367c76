package io.flowmesh.runtime.edge;

/**
 * How much credit an {@link EdgeSubscriber} grants, and when. Credit counts messages, but what a
 * vertex can hold is bytes, so a grant is bounded both ways:
 * <ul>
 *   <li>by count: min(free input room, {@code max-unacked} − unacked − buffered);</li>
 *   <li>by bytes: ({@code edge.input-bytes} − the payload bytes buffered and handed to the vertex
 *       but not yet acked) ÷ the payload bytes a message is expected to carry.</li>
 * </ul>
 * less the credit still outstanding; nothing while credit is held. A message is expected to carry
 * what recent batches carried: the estimate rises at once to a batch's average and falls by an
 * eighth of the difference per batch, and before the first batch it is {@code
 * edge.max-message-bytes}, so that a first grant can never bring more than {@code edge.input-bytes}.
 * A vertex that holds nothing may always take one message, so messages larger than {@code
 * edge.input-bytes} (or an estimate above it) slow the edge to one at a time but never stop it.
 * Credit is sent when it reaches a quarter of the window (a quarter of the buffer, or of what the
 * byte bound allows when that is smaller), or at once when the upstream has none left and less
 * than that quarter is buffered (the vertex would soon wait for input). Not sooner: a vertex that
 * frees its buffer one slot at a time would otherwise get its input one message per batch, each
 * batch a frame, a write and a wake-up on both sides (TCP's silly window syndrome).
 *
 * <p>The byte bound is what keeps a vertex with a small heap alive when messages are large: the
 * count alone let 1,024 messages of 100 KB into a map-service with a 40 MB heap. It is soft: credit
 * granted while messages were small stays valid when they grow (a stream that turns from 500-byte
 * to 100 KB messages may still bring what the count allows), and it is per stream, so after a
 * reconnect what the vertex still holds of the lost stream is not counted against the new one.
 * Empty payloads count as one byte: the count bounds them.
 *
 * <p>Concurrency: owned by its subscriber's event loop.
 */
final class SubscriberCredit {

  private final EdgeOptions options;
  private final InputQueue buffer;
  private final int threshold;
  /** The running estimate of payload bytes per message, once a batch arrived ({@link #observed}). */
  private double average;
  private boolean observed;
  /** What a grant counts per message: {@link #average} rounded up, at least 1; the largest message allowed before the first batch. */
  private long expectedBytes;
  private boolean held;

  SubscriberCredit(EdgeOptions options, InputQueue buffer) {
    this.options = options;
    this.buffer = buffer;
    this.threshold = Math.max(1, Math.min(options.inputCapacity(), options.maxUnacked()) / 4);
    this.expectedBytes = options.maxMessageBytes();
  }

  /** A batch of {@code messages} carrying {@code payloadBytes} arrived. */
  void observe(int messages, long payloadBytes) {
    if (messages <= 0) {
      return;
    }
    double batch = (double) payloadBytes / messages;
    average = !observed || batch >= average ? batch : average + (batch - average) / 8;
    observed = true;
    expectedBytes = Math.max(1, (long) Math.ceil(average));
  }

  /** The payload bytes a message is expected to carry (at least 1). */
  long expectedMessageBytes() {
    return expectedBytes;
  }

  /** The most messages {@code s} may have outstanding (granted and not arrived) now. */
  private long window(SubscriberSession s) {
    long byCount = Math.min(options.inputCapacity() - buffer.size(), (long) options.maxUnacked() - s.unacked - buffer.size());
    long heldBytes = buffer.bytes() + s.unackedBytes;
    long byBytes = Math.max(0, options.inputBytes() - heldBytes) / expectedBytes;
    if (heldBytes == 0) {
      byBytes = Math.max(1, byBytes); // a message larger than edge.input-bytes still comes, one at a time
    }
    return Math.min(byCount, byBytes);
  }

  /** The credit stream {@code s} may be granted now (0 while held or the buffer is full). */
  long grantable(SubscriberSession s) {
    return held ? 0 : grant(s, window(s));
  }

  /** What fits in {@code window} beside the credit {@code s} still has. */
  private static long grant(SubscriberSession s, long window) {
    return Math.max(0, window - s.credit.available());
  }

  /**
   * Adds the grantable credit to {@code s} when it is due; true when it did, and a Credit frame
   * must be flushed. A null or closed session gets none.
   */
  boolean grantIfDue(SubscriberSession s) {
    if (s == null || s.closed || held) {
      return false;
    }
    long window = window(s);
    long grant = grant(s, window);
    long due = due();
    // Below the quarter, credit goes out only when the upstream has none left and the buffer is
    // about to run dry: granting each freed slot at once while the buffer is still full made the
    // upstream send one message per batch whenever the vertex drains slowly and one by one (a map
    // whose permits are all busy frees one slot per finished element).
    if (grant >= due || (grant > 0 && s.credit.available() == 0 && buffer.size() < due)) {
      s.credit.add(grant);
      s.unannouncedCredit += grant;
      return true;
    }
    return false;
  }

  /**
   * A quarter of the whole window, held messages not subtracted: of the count ({@link #threshold})
   * or of what {@code edge.input-bytes} holds at the expected size, whichever is smaller; at least 1.
   * (A quarter of the room left would be 1 whenever the buffer is nearly full.)
   */
  private long due() {
    long byBytes = Math.max(1, options.inputBytes() / expectedBytes);
    return Math.max(1, Math.min(threshold, byBytes / 4));
  }

  void hold(boolean hold) {
    this.held = hold;
  }

  boolean held() {
    return held;
  }
}
