package io.flowmesh.map.engine;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolStringList;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.map.udf.UdfResult;
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
   * The id is built as bytes from the input's id bytes, which the edge's parser left undecoded, and
   * before {@code toBuilder}: the generated {@code mergeFrom} asks the input for its id as text (to
   * see whether it is empty), and a message holding a string as text gives its bytes only by
   * encoding them again (112 bytes more per output when the order was the other way round).
   */
  public static Message of(Message in, UdfResult r, int index) {
    ByteString id = id(in.getIdBytes(), index);
    Message.Builder o = in.toBuilder().setIdBytes(id).setValue(r.value());
    if (!same(r.keys(), in.getKeysList())) {
      o.clearKeys().addAllKeys(r.keys());
    }
    if (!same(r.tags(), in.getTagsList())) {
      o.clearTags().addAllTags(r.tags());
    }
    return o.build();
  }

  /** {@code <input>/<index>} as UTF-8 bytes: the input id's bytes, a slash, the index in decimal. */
  static ByteString id(ByteString input, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("a result index is not negative: " + index);
    }
    int digits = 1;
    for (int rest = index / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int n = input.size();
    byte[] b = new byte[n + 1 + digits];
    input.copyTo(b, 0);
    b[n] = '/';
    for (int i = b.length - 1, rest = index; i > n; i--, rest /= 10) {
      b[i] = (byte) ('0' + rest % 10);
    }
    return UnsafeByteOperations.unsafeWrap(b);
  }

  /**
   * Whether the result's {@code a} equals the message's {@code b} entry by entry, without the two
   * iterators {@code List.equals} allocates, and without decoding the message's strings, which the
   * edge's parser keeps as bytes: each is compared with the result's String as UTF-8.
   */
  private static boolean same(List<String> a, ProtocolStringList b) {
    int n = a.size();
    if (n != b.size()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!Utf8Text.equal(a.get(i), Utf8Text.bytesAt(b, i))) {
        return false;
      }
    }
    return true;
  }
}
