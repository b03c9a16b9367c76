package io.flowmesh.sink.engine;

import com.google.protobuf.ByteString;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user-defined sink answered for the serving messages it wrote last, so that a duplicate of one
 * (dropped by the dedupe window) is answered as the first was: its SERVE response, or the message
 * written. Bounded: at most {@value #MAX_ENTRIES} ids and {@value #MAX_BYTES} response bytes, the
 * oldest going first; a duplicate whose first answer is no longer held gets a failure reply, never a
 * wrong answer.
 *
 * <h2>Concurrency</h2>
 * Confined to the sink verticle's event loop.
 */
final class ServedMemory {

  static final int MAX_ENTRIES = 4096;
  static final long MAX_BYTES = 16L << 20;
  /** Held for an id written without a SERVE response: its answer is the message written. */
  static final Object NOT_SERVED = new Object();

  private final LinkedHashMap<String, Object> byId = new LinkedHashMap<>();
  private long bytes;

  /** Remembers the answer for serving message {@code id}: {@code served}, or null for none. */
  void written(String id, ByteString served) {
    Object old = byId.put(id, served == null ? NOT_SERVED : served);
    if (old instanceof ByteString b) {
      bytes -= b.size();
    }
    if (served != null) {
      bytes += served.size();
    }
    if (byId.size() <= MAX_ENTRIES && bytes <= MAX_BYTES) {
      return;
    }
    // over a limit (at most once per write once full): the oldest go first
    Iterator<Map.Entry<String, Object>> it = byId.entrySet().iterator();
    while ((byId.size() > MAX_ENTRIES || bytes > MAX_BYTES) && it.hasNext()) {
      Object v = it.next().getValue();
      if (v instanceof ByteString b) {
        bytes -= b.size();
      }
      it.remove();
    }
  }

  /** The SERVE response held for {@code id}, {@link #NOT_SERVED}, or null when nothing is held. */
  Object answer(String id) {
    return byId.get(id);
  }

  int size() {
    return byId.size();
  }
}
