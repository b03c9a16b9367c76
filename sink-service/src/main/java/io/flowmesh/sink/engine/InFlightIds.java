package io.flowmesh.sink.engine;

import java.util.HashMap;
import java.util.HashSet;

/**
 * With a dedupe window: the ids being written, and, for an id whose redelivered copy arrived while
 * its first was being written, how that first write ended, so the copy is settled as the first was
 * ({@link SinkReplies#copy}): written — acked as a duplicate; dropped — dropped with the same failure;
 * nacked — nacked too, so it comes back and is written, never acked unwritten.
 *
 * <p>The copy is processed after its first has ended: it is behind it in the same batch, or in the
 * next batch, written only once the one in write is done. Plain ids cost one set entry; the outcome
 * is kept only for ids that have a copy waiting (rare: a redelivery while the first is in write).
 *
 * <h2>Concurrency</h2>
 * Confined to the sink verticle's event loop.
 */
final class InFlightIds {

  /** The first copy was written. */
  static final Object WRITTEN = new Object();
  /** The first copy has not ended (not expected when its copy is settled: treated as not written). */
  static final Object OPEN = new Object();

  /** The first copy was dropped after a failed write ({@code sink.on-failure=drop}), for {@code why}. */
  record Dropped(String why) {
  }

  /** The first copy was nacked ({@code reason}): it is written, if at all, when it comes back. */
  record Nacked(String reason) {
  }

  private static final class Copies {
    int waiting;
    Object first = OPEN;
  }

  private final HashSet<String> ids = new HashSet<>();
  private final HashMap<String, Copies> copies = new HashMap<>();

  /** Takes {@code id} in flight; false when it is already, and then a copy waits for its first to end. */
  boolean add(String id) {
    if (ids.add(id)) {
      return true;
    }
    copies.computeIfAbsent(id, k -> new Copies()).waiting++;
    return false;
  }

  /** The first copy of {@code id} was written. */
  void written(String id) {
    Copies c = ended(id);
    if (c != null) {
      c.first = WRITTEN;
    }
  }

  /** The first copy of {@code id} was dropped after a failed write. */
  void dropped(String id, String why) {
    Copies c = ended(id);
    if (c != null) {
      c.first = new Dropped(why);
    }
  }

  /** The first copy of {@code id} was nacked. */
  void nacked(String id, String reason) {
    Copies c = ended(id);
    if (c != null) {
      c.first = new Nacked(reason);
    }
  }

  /** Takes {@code id} out of flight; its waiting copies, or null (the usual case: no lookup when none wait). */
  private Copies ended(String id) {
    ids.remove(id);
    return copies.isEmpty() ? null : copies.get(id);
  }

  /**
   * A copy of {@code id} is settled: how its first ended ({@link #WRITTEN}, {@link Dropped},
   * {@link Nacked}, or {@link #OPEN}).
   */
  Object settleCopy(String id) {
    Copies c = copies.get(id);
    if (c == null) {
      return OPEN;
    }
    if (--c.waiting == 0) {
      copies.remove(id);
    }
    return c.first;
  }
}
