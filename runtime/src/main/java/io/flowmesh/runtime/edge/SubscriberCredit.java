package io.flowmesh.runtime.edge;

/**
 * How much credit an {@link EdgeSubscriber} grants, and when. Credit granted = min(free input
 * room, {@code max-unacked} − unacked − buffered) − credit still outstanding, and nothing while the
 * input buffer holds {@code edge.input-bytes} or more, or while credit is held. It is sent when it
 * reaches a quarter of the buffer, or at once when the upstream has none left.
 *
 * <p>Concurrency: owned by its subscriber's event loop.
 */
final class SubscriberCredit {

  private final EdgeOptions options;
  private final InputQueue buffer;
  private final int threshold;
  private boolean held;

  SubscriberCredit(EdgeOptions options, InputQueue buffer) {
    this.options = options;
    this.buffer = buffer;
    this.threshold = Math.max(1, Math.min(options.inputCapacity(), options.maxUnacked()) / 4);
  }

  /** The credit stream {@code s} may be granted now (0 while held or the buffer is full). */
  long grantable(SubscriberSession s) {
    if (held || buffer.bytes() >= options.inputBytes()) {
      return 0;
    }
    long room = Math.min(options.inputCapacity() - buffer.size(), (long) options.maxUnacked() - s.unacked - buffer.size());
    return Math.max(0, room - s.credit.available());
  }

  /**
   * Adds the grantable credit to {@code s} when it is due; true when it did, and a Credit frame
   * must be flushed. A null or closed session gets none.
   */
  boolean grantIfDue(SubscriberSession s) {
    if (s == null || s.closed) {
      return false;
    }
    long grant = grantable(s);
    if (grant >= threshold || (grant > 0 && s.credit.available() == 0)) {
      s.credit.add(grant);
      s.unannouncedCredit += grant;
      return true;
    }
    return false;
  }

  void hold(boolean hold) {
    this.held = hold;
  }

  boolean held() {
    return held;
  }
}
