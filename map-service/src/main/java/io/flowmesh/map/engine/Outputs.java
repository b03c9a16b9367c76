package io.flowmesh.map.engine;

import com.google.protobuf.ByteString;
import com.google.protobuf.LazyStringList;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.runtime.buffer.Utf8Text;
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
   *
   * <p>The id is built as bytes from the input's id bytes, before {@code toBuilder} (whose
   * generated {@code mergeFrom} asks the input for its id as text; asked for its bytes after that,
   * a message would encode them again). The strings of a list the output shares are read as text
   * first: as parsed they are slices of the input's DATA frame, and an output kept until its
   * downstream ack would otherwise keep that whole frame alive (a message keeps a string it was
   * asked for as text, in place of the slice).
   */
  public static Message of(Message in, UdfResult r, int index) {
    ByteString id = Utf8Text.joined(in.getIdBytes(), '/', index);
    Message.Builder o = in.toBuilder().setIdBytes(id).setValue(r.value());
    if (!same(r.keys(), in.getKeysList()) || !heldAsText(in.getKeysList())) {
      o.clearKeys().addAllKeys(r.keys());
    }
    if (!same(r.tags(), in.getTagsList()) || !heldAsText(in.getTagsList())) {
      o.clearTags().addAllTags(r.tags());
    }
    boolean replaced = false;
    for (int i = 0, n = in.getHeadersCount(); i < n; i++) {
      Header h = in.getHeaders(i);
      replaced |= h.getKey().indexOf(REPLACEMENT) >= 0 || h.getValue().indexOf(REPLACEMENT) >= 0;
    }
    if (replaced) {
      // Perhaps bytes that are not UTF-8, which a message does not keep as text: the headers are copied as text.
      o.clearHeaders();
      for (int i = 0, n = in.getHeadersCount(); i < n; i++) {
        Header h = in.getHeaders(i);
        o.addHeaders(Header.newBuilder().setKey(h.getKey()).setValue(h.getValue()));
      }
    }
    return o.build();
  }

  private static final char REPLACEMENT = '\uFFFD';

  /**
   * Whether each string of a message's list is held as text. One read as text is kept as text only
   * if its bytes were UTF-8; bytes that are not (only a peer that is not Flowmesh sends them) stay
   * a slice of the frame, so an output must not share that list.
   */
  private static boolean heldAsText(List<String> strings) {
    if (strings instanceof LazyStringList lazy) {
      for (int i = 0, n = lazy.size(); i < n; i++) {
        if (!(lazy.getRaw(i) instanceof String)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code List.equals}, entry by entry, without the two iterators {@code List.equals} allocates.
   * Each of the message's strings is read as text ({@code b.get}), which the message then keeps
   * instead of the frame's bytes; when they are all equal, the output shares the list.
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
