package io.flowmesh.map.engine;

import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.map.udf.UdfResult;
import java.util.List;

/** Builds map's output messages from an input and the UDF's results. */
final class Outputs {

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
        out.emit(e, of(in, e.hasHeaders, r, i));
      }
    }
  }

  /**
   * Output {@code index} of {@code in}: id {@code <input id>/<index>}, the result's value, keys and
   * tags, the input's event time, ingest time, headers and serve mark ({@code headers}: whether it
   * has any, known from its arrival). Empty lists are not copied (that would allocate per element
   * in the common case).
   */
  static Message of(Message in, boolean headers, UdfResult r, int index) {
    Message.Builder o = Message.newBuilder().setId(in.getId() + "/" + index).setValue(r.value())
        .setEventTime(in.getEventTime()).setIngestTime(in.getIngestTime());
    if (in.getServe()) {
      o.setServe(true);
    }
    if (!r.keys().isEmpty()) {
      o.addAllKeys(r.keys());
    }
    if (!r.tags().isEmpty()) {
      o.addAllTags(r.tags());
    }
    if (headers) {
      o.addAllHeaders(in.getHeadersList());
    }
    return o.build();
  }
}
