package io.flowmesh.runtime.buffer;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.LazyStringList;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.edge.Texts;
import java.io.IOException;
import java.util.List;

/**
 * An edge message's strings as they are held, for writing them into another protobuf message
 * without decoding them: a parsed message keeps each string as the UTF-8 bytes it arrived as
 * (edge_messages.proto) until it is read as text. A string field and a bytes field are the same on
 * the wire, so the bytes are written as they are; bytes that are not UTF-8 (only a peer that is
 * not Flowmesh could send them) are decoded leniently first, U+FFFD for each bad sequence, so that
 * a receiver which checks proto3 strings (a Go UDF does) never refuses the message for them.
 */
public final class Utf8Text {

  private Utf8Text() {
  }

  /**
   * Entry {@code i} of a message's repeated string field as held: a String, or its UTF-8 bytes
   * ({@link #checked}). An {@link io.flowmesh.runtime.edge.EdgeMessage} holds such a field as
   * {@link Texts}, generated messages as a {@link LazyStringList}; any other list gives its String.
   */
  public static Object at(List<String> strings, int i) {
    if (strings instanceof Texts texts) {
      Object raw = texts.raw(i);
      return raw instanceof ByteString bytes ? checked(bytes) : raw;
    }
    if (strings instanceof LazyStringList lazy) {
      Object raw = lazy.getRaw(i);
      return raw instanceof ByteString bytes ? checked(bytes) : raw;
    }
    return strings.get(i);
  }

  /** {@code utf8} itself when it is UTF-8, else its lenient decoding (a String). */
  public static Object checked(ByteString utf8) {
    return utf8.isValidUtf8() ? utf8 : utf8.toStringUtf8();
  }

  /**
   * {@code head}, then {@code separator}, then {@code number} in decimal, as one array of UTF-8
   * bytes: an id derived from another (a source's {@code <prefix>-<n>}, a map output's
   * {@code <input id>/<index>}) without building a String and encoding it again.
   */
  public static ByteString joined(ByteString head, char separator, long number) {
    if (number < 0 || separator >= 0x80) {
      throw new IllegalArgumentException("an ASCII separator and a number that is not negative: '" + separator + "', " + number);
    }
    int digits = 1;
    for (long rest = number / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int n = head.size();
    byte[] b = new byte[n + 1 + digits];
    head.copyTo(b, 0);
    b[n] = (byte) separator;
    for (int i = b.length - 1; i > n; i--, number /= 10) {
      b[i] = (byte) ('0' + number % 10);
    }
    return UnsafeByteOperations.unsafeWrap(b);
  }

  /** The encoded size of field {@code field} holding {@code text} (a String or UTF-8 bytes). */
  public static int fieldSize(int field, Object text) {
    return text instanceof ByteString bytes ? CodedOutputStream.computeBytesSize(field, bytes)
        : CodedOutputStream.computeStringSize(field, (String) text);
  }

  /** Writes field {@code field} holding {@code text} (a String or UTF-8 bytes), even when empty. */
  public static void write(CodedOutputStream out, int field, Object text) throws IOException {
    if (text instanceof ByteString bytes) {
      out.writeBytes(field, bytes);
    } else {
      out.writeString(field, (String) text);
    }
  }
}
