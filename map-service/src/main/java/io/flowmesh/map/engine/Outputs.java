package io.flowmesh.map.engine;

import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.Message;
import java.util.List;

/** Builds map's output messages from an input and the UDF's results. */
public final class Outputs {

  private Outputs() {
  }

  /** Whether result {@code r} is kept: it does not carry the {@link MapEngine#DROP} tag. */
  static boolean kept(UdfResult r) {
    return r.tags().isEmpty() || !r.tags().contains(MapEngine.DROP);
  }

  /** How many of {@code results} are kept ({@link #kept}); 0 drops the element. */
  static int kept(List<UdfResult> results) {
    int n = 0;
    for (int i = 0, size = results.size(); i < size; i++) {
      if (kept(results.get(i))) {
        n++;
      }
    }
    return n;
  }

  /**
   * Emits element {@code e}'s kept results on {@code out}, each as output {@code <input id>/<index of
   * the result>} (a dropped result keeps its index unused, so ids stay stable across redeliveries).
   */
  static void emit(OutputPort out, Element e, List<UdfResult> results) {
    Message in = e.delivery.message();
    for (int i = 0, size = results.size(); i < size; i++) {
      UdfResult r = results.get(i);
      if (kept(r)) {
        out.emit(e, of(in, r, i));
      }
    }
  }

  /**
   * Output {@code index} of {@code in}: id {@code <input id>/<index>}, the result's value, keys and
   * tags, the input's event time, ingest time, headers and serve mark. Built from the input
   * ({@code toBuilder}), which shares its lists instead of copying them: a UDF that echoes its
   * input's keys (most do) costs no keys list per output (72 bytes less per message than a fresh
   * builder with one key, {@code alloc-breakdown}); keys or tags that differ replace the input's.
   */
  public static Message of(Message in, UdfResult r, int index) {
    Message.Builder o = in.toBuilder().setId(in.getId() + "/" + index).setValue(r.value());
    if (!same(r.keys(), in.getKeysList())) {
      o.clearKeys().addAllKeys(r.keys());
    }
    if (!same(r.tags(), in.getTagsList())) {
      o.clearTags().addAllTags(r.tags());
    }
    return o.build();
  }

  /**
   * {@code List.equals}, entry by entry, without the two iterators {@code List.equals} allocates
   * to walk the result's list and the message's own.
   */
  private static boolean same(List<String> a, List<String> b) {
    int n = a.size();
    if (n != b.size()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
