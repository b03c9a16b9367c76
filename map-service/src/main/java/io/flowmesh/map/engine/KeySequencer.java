package io.flowmesh.map.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-key ordering: at most one element per key is in the UDF at a time; later elements of a
 * busy key wait in arrival order, linked through the elements themselves; different keys run
 * concurrently. Per-key output order therefore equals input order. Elements waiting behind an
 * element that was detached from its input's frame ({@link Element#detach}) are detached too.
 *
 * <p>Concurrency: not thread-safe; owned by one engine's event loop.
 */
public final class KeySequencer {

  /** Per busy key: the element in the UDF is the head, the last waiting one the tail. */
  private final Map<String, Element> tails = new HashMap<>();
  private int waiting;
  private final EngineStats stats;

  /** A sequencer counting into {@code stats} (the inputs it detaches). */
  public KeySequencer(EngineStats stats) {
    this.stats = stats;
  }

  /**
   * Offers an element that just arrived.
   *
   * @return true when its key was free (the caller sends it now); false when it waits
   */
  public boolean admit(Element e) {
    Element tail = tails.get(e.key);
    if (tail == null) {
      tails.put(e.key, e);
      return true;
    }
    tail.nextOfKey = e;
    if (tail.detached) {
      stats.detachedBehindKey += e.detach(); // the key's element in the UDF has been there a while: this one waits as long
    }
    tails.put(e.key, e);
    waiting++;
    return false;
  }

  /**
   * The element {@code done} of its key left the UDF.
   *
   * @return the next element of that key, now free to go, or null
   */
  public Element release(Element done) {
    Element next = done.nextOfKey;
    done.nextOfKey = null;
    if (next == null) {
      tails.remove(done.key, done);
      return null;
    }
    waiting--;
    return next;
  }

  /** Elements waiting behind a busy key. */
  public int waiting() {
    return waiting;
  }

  /** Keys with an element in the UDF. */
  public int busyKeys() {
    return tails.size();
  }
}
