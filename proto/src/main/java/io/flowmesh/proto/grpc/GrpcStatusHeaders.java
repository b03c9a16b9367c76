package io.flowmesh.proto.grpc;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code grpc-status} and {@code grpc-message} from the trailers, or from the
 * headers of a trailers-only response; and puts them on a response to send.
 */
public final class GrpcStatusHeaders {

  private GrpcStatusHeaders() {
  }

  /** The status code as sent, or null if there is none. */
  public static String status(MultiMap headers, MultiMap trailers) {
    String s = trailers == null ? null : trailers.get("grpc-status");
    return s != null ? s : headers.get("grpc-status");
  }

  /** The status message, percent-decoded as the gRPC spec requires; empty if none. */
  public static String message(MultiMap headers, MultiMap trailers) {
    String m = trailers == null ? null : trailers.get("grpc-message");
    if (m == null) {
      m = headers.get("grpc-message");
    }
    return m == null ? "" : percentDecode(m);
  }

  /**
   * Puts a call's status on {@code response} before it ends: in the trailers, or in the headers
   * (a trailers-only answer) when nothing was sent yet. {@code message} (null for none) is left out
   * with status 0 (OK).
   */
  public static void put(HttpServerResponse response, int code, String message) {
    MultiMap where = response.headWritten() ? response.trailers() : response.headers();
    where.set("grpc-status", Integer.toString(code));
    if (message != null && code != 0) {
      where.set("grpc-message", percentEncode(message));
    }
  }

  /** Decodes %XX escapes as UTF-8 bytes; a malformed escape is kept as is. */
  public static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(bytes, 0, bytes.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * A {@code grpc-message} value: UTF-8, with every byte outside printable ASCII and {@code %}
   * itself as {@code %XX} (the gRPC over HTTP/2 spec).
   */
  public static String percentEncode(String message) {
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(utf8.length);
    for (byte b : utf8) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
