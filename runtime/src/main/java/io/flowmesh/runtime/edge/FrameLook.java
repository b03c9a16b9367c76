package io.flowmesh.runtime.edge;

import java.util.IdentityHashMap;

/**
 * One look over a ring of messages an edge holds long (its unacked window, its queue) for those
 * that keep a frame alive alone: the messages cut from one frame (an input batch, a turn's UDF
 * answers) leave at different times — acked in any order, sent to different edges — so one held
 * after most of its frame has gone keeps the whole frame with it.
 *
 * <p>A look sums, per frame (the array a message's value is a slice of, {@link Backing#array}),
 * the encoded size of the ring's messages cut from it, then copies each old message whose frame
 * the ring holds less than half of ({@link EdgeMessage#detached}). A ring holding whole frames
 * (a downstream slow to take or ack everything) has little copied: the frames hold what waits,
 * but each ring judges alone, so a frame split between an edge's queue and a subscriber's window
 * (or two subscribers' windows) may have its smaller part copied once it is old. Likewise a
 * message sent down several edges is one object in each, and each edge that holds it long copies
 * it. Only messages marked as slices ({@link EdgeMessage#mayPin}) are looked at, and at most
 * {@link #MAX_LOOKED} from the ring's oldest (the old ones are there), so a look's cost is bounded
 * whatever the ring's size.
 *
 * <p>Concurrency: not thread-safe; owned by the ring's event loop. Reused look after look.
 */
final class FrameLook {

  /** The most ring positions one look visits, from the oldest. */
  static final int MAX_LOOKED = 1 << 16;

  private final Backing probe = new Backing();
  /** Per frame, the encoded bytes of the ring's messages cut from it; filled and emptied by each look. */
  private final IdentityHashMap<byte[], long[]> heldPerFrame = new IdentityHashMap<>();
  private int pinning;
  private long lastNanos;
  private boolean looked;

  /**
   * True, and {@code now} taken as this look's time, when no look was taken yet or the last one
   * was at least {@code ageNanos} ago; the caller then looks (or has nothing to look at) and
   * remembers where its ring ended, which is what "old" means at the next look.
   */
  boolean due(long now, long ageNanos) {
    if (looked && now - lastNanos < ageNanos) {
      return false;
    }
    lastNanos = now;
    looked = true;
    return true;
  }

  /**
   * Looks at ring positions {@code [from, to)} (position {@code p} at index {@code p & (ring.length
   * - 1)}, empty slots null; at most {@link #MAX_LOOKED} of them) and copies, in place, the
   * messages at positions before {@code oldEnd} whose frame the ring holds less than half of.
   *
   * @return how many messages were copied
   */
  int copyLate(EdgeMessage[] ring, long from, long to, long oldEnd) {
    int mask = ring.length - 1;
    boolean cut = to - from > MAX_LOOKED;
    to = Math.min(to, from + MAX_LOOKED);
    pinning = 0;
    for (long p = from; p < to; p++) {
      EdgeMessage m = ring[(int) (p & mask)];
      if (m != null && m.mayPin()) {
        pinning++;
        byte[] frame = probe.array(m.getValue());
        if (frame != null) {
          heldPerFrame.computeIfAbsent(frame, f -> new long[1])[0] += m.getSerializedSize();
        }
      }
    }
    int copied = 0;
    long end = Math.min(oldEnd, to);
    for (long p = from; p < end && pinning > 0; p++) {
      int i = (int) (p & mask);
      EdgeMessage m = ring[i];
      if (m != null && m.mayPin()) {
        byte[] frame = probe.array(m.getValue());
        long[] held = frame == null ? null : heldPerFrame.get(frame);
        if (held == null || 2 * held[0] < frame.length) {
          EdgeMessage d = m.detached(probe);
          if (held != null) {
            held[0] -= m.getSerializedSize();
          }
          if (d != m) {
            ring[i] = d;
            copied++;
          }
          pinning--; // a copy, or found to pin nothing: either way it no longer may
        }
      }
    }
    heldPerFrame.clear();
    if (cut) {
      pinning = Math.max(pinning, 1); // what lies past the visited part is for later looks
    }
    return copied;
  }

  /** How many messages the last look left that may still pin a frame (at least 1 when it left some unvisited). */
  int pinning() {
    return pinning;
  }
}
