package io.flowmesh.map.udf;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The attempts on the wire, by id, oldest first, and the ids retired by a timeout.
 *
 * <p>Ids are a per-client counter in decimal, never reused. Each attempt gets a new id, so
 * insertion order is send order and the timeout sweep stops at the first attempt that has
 * not expired.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class InFlight {

  private final LinkedHashMap<String, Pending> byId = new LinkedHashMap<>();
  private final RetiredIds retired;
  private long nextId = 1;

  InFlight(int retiredCapacity) {
    this.retired = new RetiredIds(retiredCapacity);
  }

  /** Gives {@code p} a fresh id for an attempt sent now on {@code carrier}. */
  String issue(Pending p, Object carrier, long nowNanos) {
    String id = Long.toString(nextId++);
    p.id = id;
    p.carrier = carrier;
    p.sentAtNanos = nowNanos;
    byId.put(id, p);
    return id;
  }

  /** The element whose attempt has this id, or null. */
  Pending get(String id) {
    return byId.get(id);
  }

  /** Takes {@code p} off the wire: it was answered, or its stream is gone. */
  void remove(Pending p) {
    if (p.id != null) {
      byId.remove(p.id);
      p.id = null;
      p.carrier = null;
      p.partial = null;
    }
  }

  /** Takes {@code p} off the wire and remembers its id, so a late response is recognised. */
  void retire(Pending p) {
    if (p.id != null) {
      retired.add(p.id);
    }
    remove(p);
  }

  /** True, once, if {@code id} was retired: its response is late. */
  boolean takeRetired(String id) {
    return retired.take(id);
  }

  /** True if {@code id} was retired and not yet taken: a late answer may still come (stream-map). */
  boolean isRetired(String id) {
    return retired.contains(id);
  }

  /** The oldest attempt travelling on {@code carrier}, or null. */
  Pending oldestOn(Object carrier) {
    for (Pending p : byId.values()) {
      if (p.carrier == carrier) {
        return p;
      }
    }
    return null;
  }

  /** True if an id of that text was issued by this client at some point. */
  boolean wasIssued(String id) {
    try {
      long n = Long.parseLong(id);
      return n > 0 && n < nextId;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Adds to {@code out}, oldest first, the attempts sent at or before {@code sentBefore}. */
  void collectSentBefore(long sentBefore, List<Pending> out) {
    for (Pending p : byId.values()) {
      if (p.sentAtNanos - sentBefore > 0) {
        return;
      }
      out.add(p);
    }
  }

  /** Adds to {@code out}, oldest first, the attempts travelling on {@code carrier}. */
  void collectOn(Object carrier, List<Pending> out) {
    for (Pending p : byId.values()) {
      if (p.carrier == carrier) {
        out.add(p);
      }
    }
  }

  /** Adds to {@code out}, oldest first, every attempt on the wire. */
  void collectAll(List<Pending> out) {
    out.addAll(byId.values());
  }

  int size() {
    return byId.size();
  }
}
