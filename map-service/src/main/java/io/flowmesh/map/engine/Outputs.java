package io.flowmesh.map.engine;

import com.google.protobuf.ByteString;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.runtime.buffer.Utf8Text;
import io.flowmesh.runtime.edge.EdgeMessage;
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
    EdgeMessage in = e.delivery.message();
    for (int i = 0, size = results.size(); i < size; i++) {
      UdfResult r = results.get(i);
      if (kept(r)) {
        out.emit(e, of(in, r, i));
      }
    }
  }

  /**
   * Output {@code index} of {@code in}: id {@code <input id>/<index>} (built as bytes from the
   * input's id bytes), the result's value, keys and tags, the input's event time, ingest time,
   * headers and serve mark. One object besides the id: the result's keys and tags are held as the
   * UDF answer's decoder made them ({@link io.flowmesh.runtime.edge.Texts}, not copied), and the
   * input's headers are shared (parsed as text, so an output kept until its downstream ack does not
   * keep the input's DATA frame alive; the id and value are the output's own). The value, keys and
   * tags are slices of the frame the UDF's answer came in, so the output is marked as such: if its
   * ack comes late it is given bytes of its own ({@link EdgeMessage#ofSlices}).
   */
  public static EdgeMessage of(EdgeMessage in, UdfResult r, int index) {
    ByteString id = Utf8Text.joined(in.getIdBytes(), '/', index);
    return EdgeMessage.ofSlices(id, r.value(), r.keys(), in.getEventTime(), in.getHeadersList(), in.getIngestTime(), r.tags(),
        in.getServe());
  }
}
