package io.flowmesh.sink.writer;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON string encoding straight into an {@link OutBuffer}, without building a {@code String} or
 * a JSON tree per message: valid UTF-8 bytes are copied as they are, with {@code "}, {@code \}
 * and control characters escaped; other bytes are written as base64.
 */
final class JsonText {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
      .getBytes(StandardCharsets.US_ASCII);

  private JsonText() {
  }

  /** Appends {@code s} as a quoted JSON string. */
  static void string(OutBuffer out, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        utf8(out, b, b.length);
        return;
      }
    }
    out.ensure(6 * n + 2);
    byte[] dst = out.bytes;
    int p = out.length;
    dst[p++] = '"';
    for (int i = 0; i < n; i++) {
      p = escape(dst, p, (byte) s.charAt(i));
    }
    dst[p++] = '"';
    out.length = p;
  }

  /** Appends the first {@code n} bytes of {@code b}, valid UTF-8, as a quoted JSON string. */
  static void utf8(OutBuffer out, byte[] b, int n) {
    out.ensure(6 * n + 2);
    byte[] dst = out.bytes;
    int p = out.length;
    dst[p++] = '"';
    for (int i = 0; i < n; i++) {
      p = escape(dst, p, b[i]);
    }
    dst[p++] = '"';
    out.length = p;
  }

  /** Appends a value that {@link ByteString#isValidUtf8() is valid UTF-8} as a quoted JSON string. */
  static void text(OutBuffer out, ByteString value) {
    int n = value.size();
    byte[] scratch = out.scratch(n);
    value.copyTo(scratch, 0);
    utf8(out, scratch, n);
  }

  /** Appends a value as quoted standard base64 (with padding). */
  static void base64(OutBuffer out, ByteString value) {
    int n = value.size();
    byte[] src = out.scratch(n);
    value.copyTo(src, 0);
    out.ensure((n + 2) / 3 * 4 + 2);
    byte[] dst = out.bytes;
    int p = out.length;
    dst[p++] = '"';
    int i = 0;
    for (; i + 2 < n; i += 3) {
      int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      dst[p++] = BASE64[v >>> 18];
      dst[p++] = BASE64[(v >>> 12) & 0x3f];
      dst[p++] = BASE64[(v >>> 6) & 0x3f];
      dst[p++] = BASE64[v & 0x3f];
    }
    if (i < n) {
      int v = (src[i] & 0xff) << 16 | (i + 1 < n ? (src[i + 1] & 0xff) << 8 : 0);
      dst[p++] = BASE64[v >>> 18];
      dst[p++] = BASE64[(v >>> 12) & 0x3f];
      dst[p++] = i + 1 < n ? BASE64[(v >>> 6) & 0x3f] : (byte) '=';
      dst[p++] = '=';
    }
    dst[p++] = '"';
    out.length = p;
  }

  /** Appends {@code ["a","b"]}. */
  static void array(OutBuffer out, List<String> strings) {
    out.put((byte) '[');
    for (int i = 0, n = strings.size(); i < n; i++) {
      if (i > 0) {
        out.put((byte) ',');
      }
      string(out, strings.get(i));
    }
    out.put((byte) ']');
  }

  /** Writes {@code b} escaped at {@code dst[p]}; returns the next position. */
  private static int escape(byte[] dst, int p, byte b) {
    if (b == '"' || b == '\\') {
      dst[p++] = '\\';
      dst[p++] = b;
    } else if (b >= 0 && b < 0x20) {
      dst[p++] = '\\';
      if (b == '\n') {
        dst[p++] = 'n';
      } else if (b == '\r') {
        dst[p++] = 'r';
      } else if (b == '\t') {
        dst[p++] = 't';
      } else {
        dst[p++] = 'u';
        dst[p++] = '0';
        dst[p++] = '0';
        dst[p++] = HEX[b >> 4];
        dst[p++] = HEX[b & 0xf];
      }
    } else {
      dst[p++] = b;
    }
    return p;
  }
}
