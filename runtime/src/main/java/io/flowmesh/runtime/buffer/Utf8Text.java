package io.flowmesh.runtime.buffer;

import com.google.protobuf.ByteString;
import com.google.protobuf.LazyStringList;
import java.util.List;

/**
 * Text kept as UTF-8 bytes compared with a String without decoding the bytes: an edge message's
 * strings stay bytes as parsed (edge_messages.proto), and a vertex that only compares them with
 * its own Strings need not build a String for each.
 */
public final class Utf8Text {

  private Utf8Text() {
  }

  /** Whether {@code utf8} is {@code text} encoded as UTF-8 (malformed bytes equal nothing but their decoding). */
  public static boolean equal(String text, ByteString utf8) {
    int n = text.length();
    if (n != utf8.size()) {
      // Equal lengths are necessary only for ASCII; anything else is decided by decoding.
      return !ascii(text) && text.equals(utf8.toStringUtf8());
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        return text.equals(utf8.toStringUtf8());
      }
      if (utf8.byteAt(i) != c) {
        return false;
      }
    }
    return true;
  }

  /**
   * Entry {@code i} of a message's repeated string field as its UTF-8 bytes: the bytes a parsed
   * message kept (generated messages hold such a field as a {@link LazyStringList}), else encoded.
   */
  public static ByteString bytesAt(List<String> strings, int i) {
    return strings instanceof LazyStringList lazy ? lazy.getByteString(i) : ByteString.copyFromUtf8(strings.get(i));
  }

  private static boolean ascii(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
