package io.flowmesh.map.udf;

import io.netty.util.collection.LongObjectHashMap;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The attempts on the wire, by id, oldest first, and the ids retired by a timeout.
 *
 * <p>Ids are a per-client counter in decimal, never reused. Each attempt gets a new id, so
 * send order is id order and the timeout sweep stops at the first attempt that has not
 * expired. Attempts are filed under the id's number in a map of primitive keys (no key object,
 * entry or string hash per element; an answer's id is parsed, not hashed) and linked to each
 * other in send order through {@link Pending}'s own fields.
 *
 * <p>The map is open addressing with linear probing, and a key's slot is its low bits: consecutive
 * ids would sit in one unbroken run of slots, and each removal then walks that run to its end
 * (a third of map-service's CPU in scenario 2). So ids are filed under {@link #key}, a bijection
 * that spreads consecutive numbers evenly over the slots, and the table is kept at most a quarter full.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class InFlight {

  /**
   * Filled to a quarter at most: at Netty's default half, 500 attempts sit in 1,024 slots and the
   * runs a removal walks are longer (9.9 against 4.4 ns, as below); {@code removeAt} was 6-7 % of
   * map-service's CPU in scenario 2.
   */
  private final LongObjectHashMap<Pending> byId = new LongObjectHashMap<>(64, 0.25f);
  private final RetiredIds retired;
  private Pending oldest;
  private Pending newest;
  /** The oldest attempt {@link #detachSentBefore} has not reached yet, or null when it reached them all. */
  private Pending undetached;
  private long nextId = 1;

  InFlight(int retiredCapacity) {
    this.retired = new RetiredIds(retiredCapacity);
  }

  /** Gives {@code p} a fresh id for an attempt sent now on {@code carrier}. */
  long issue(Pending p, Object carrier, long nowNanos) {
    if (p.id != 0) {
      // Linking it twice would make the send-order list a cycle (the sweep would never end).
      throw new IllegalStateException("attempt id=" + p.id + " is still on the wire; remove it before sending again");
    }
    long n = nextId++;
    p.id = n;
    p.carrier = carrier;
    p.sentAtNanos = nowNanos;
    p.sentBefore = newest;
    p.sentAfter = null;
    if (newest == null) {
      oldest = p;
    } else {
      newest.sentAfter = p;
    }
    newest = p;
    if (undetached == null) {
      undetached = p;
    }
    byId.put(key(n), p);
    return n;
  }

  /** The element whose attempt has id number {@code n}, or null (also for {@code n <= 0}, no id of ours). */
  Pending get(long n) {
    return n <= 0 ? null : byId.get(key(n));
  }

  /** Takes {@code p} off the wire: it was answered, or its stream is gone. */
  void remove(Pending p) {
    if (p.id != 0) {
      byId.remove(key(p.id));
      if (p == undetached) {
        undetached = p.sentAfter;
      }
      if (p.sentBefore == null) {
        oldest = p.sentAfter;
      } else {
        p.sentBefore.sentAfter = p.sentAfter;
      }
      if (p.sentAfter == null) {
        newest = p.sentBefore;
      } else {
        p.sentAfter.sentBefore = p.sentBefore;
      }
      p.sentBefore = null;
      p.sentAfter = null;
      p.id = 0;
      p.carrier = null;
      p.partial = null;
    }
  }

  /** Takes {@code p} off the wire and remembers its id, so a late response is recognised. */
  void retire(Pending p) {
    if (p.id != 0) {
      retired.add(p.id);
    }
    remove(p);
  }

  /** True, once, if {@code id} was retired: its response is late. */
  boolean takeRetired(long id) {
    return retired.take(id);
  }

  /** True if {@code id} was retired and not yet taken: a late answer may still come (stream-map). */
  boolean isRetired(long id) {
    return retired.contains(id);
  }

  /** The oldest attempt travelling on {@code carrier}, or null. */
  Pending oldestOn(Object carrier) {
    for (Pending p = oldest; p != null; p = p.sentAfter) {
      if (p.carrier == carrier) {
        return p;
      }
    }
    return null;
  }

  /** True if id number {@code n} was issued by this client at some point. */
  boolean wasIssued(long n) {
    return n > 0 && n < nextId;
  }

  /**
   * Has each attempt sent at or before {@code sentBefore} and not reached by an earlier call
   * {@linkplain UdfElement#detach detach} its element, oldest first. Attempts are reached in send
   * order, each once (a resent element again, as a new attempt): a call costs one comparison when
   * nothing is that old, and in all one step per attempt.
   *
   * @return the inputs detached ({@link UdfElement#detach}'s counts)
   */
  int detachSentBefore(long sentBefore) {
    Pending p = undetached;
    if (p == null || p.sentAtNanos - sentBefore > 0) {
      return 0;
    }
    int n = 0;
    do {
      n += p.element.detach();
      p = p.sentAfter;
    } while (p != null && p.sentAtNanos - sentBefore <= 0);
    undetached = p;
    return n;
  }

  /** Adds to {@code out}, oldest first, the attempts sent at or before {@code sentBefore}. */
  void collectSentBefore(long sentBefore, List<Pending> out) {
    for (Pending p = oldest; p != null && p.sentAtNanos - sentBefore <= 0; p = p.sentAfter) {
      out.add(p);
    }
  }

  /** Adds to {@code out}, oldest first, the attempts travelling on {@code carrier}. */
  void collectOn(Object carrier, List<Pending> out) {
    for (Pending p = oldest; p != null; p = p.sentAfter) {
      if (p.carrier == carrier) {
        out.add(p);
      }
    }
  }

  /** Adds to {@code out}, oldest first, every attempt on the wire. */
  void collectAll(List<Pending> out) {
    for (Pending p = oldest; p != null; p = p.sentAfter) {
      out.add(p);
    }
  }

  int size() {
    return byId.size();
  }

  /**
   * The map key of id number {@code n}: its low 32 bits times an odd constant modulo 2^32, its
   * high bits kept, so one-to-one. The map's slot is the key's low bits folded with its high ones;
   * the high ones being {@code n}'s own (0 for the first 4 billion ids), consecutive ids step
   * through the slots by the constant modulo the table's size, an odd step, and the runs a removal
   * walks stay a few slots long (at most 2 for 500 ids in 2,048 slots). Multiplied over all 64
   * bits, the fold mixed in high bits that put ids on each other's slots: 14.5 against 4.4 ns for
   * a removal and an insertion with 500 on the wire, one of the oldest 32 answered each time
   * (warm caches).
   */
  static long key(long n) {
    return ((n * 0x9E3779B9L) & 0xFFFFFFFFL) | (n & 0xFFFFFFFF00000000L);
  }

  /**
   * The number an id of ours spells: 1 to 19 decimal digits, no sign, no leading zero (as
   * {@link Long#toString} writes it); -1 for any other text, with no exception thrown.
   */
  static long number(String id) {
    // a character beyond Latin-1 becomes '?', which is no digit
    return id == null ? -1 : number(id.getBytes(StandardCharsets.ISO_8859_1), 0, id.length());
  }

  /** {@link #number(String)} of the text in {@code a[from, to)}, read from its bytes (no string made). */
  static long number(byte[] a, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 19 || a[from] == '0') {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      n = n * 10 + d;
      if (n < 0) {
        return -1; // beyond Long.MAX_VALUE
      }
    }
    return n;
  }
}
