package io.flowmesh.runtime.errors;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;

/**
 * Turns exceptions and gRPC statuses into the words of an error text or a log line. Many
 * exceptions carry no message (Vert.x's {@code MessageSizeOverflowException}, a bare
 * {@code TimeoutException}) and a gRPC status may come without one; concatenated as they are,
 * they print {@code null}. These fall back to the exception's class or the status's name.
 */
public final class Reasons {

  private Reasons() {
  }

  /** The exception's message, or its class's simple name when it has none (or a blank one); never null. */
  public static String of(Throwable e) {
    if (e == null) {
      return "unknown cause";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /**
   * A gRPC status for a log or an error text: {@code UNAVAILABLE (14): the message}, or
   * {@code UNAVAILABLE (14), no message} when the peer sent none.
   */
  public static String status(GrpcStatus status, String message) {
    String name = status == null ? "no grpc-status" : status.name() + " (" + status.code + ")";
    return message == null || message.isBlank() ? name + ", no message" : name + ": " + message;
  }

  /**
   * The {@code grpc-message} a server ended a call with, from the trailers or, for a trailers-only
   * response, the headers; null when there is none. Vert.x 5.0.7's
   * {@link GrpcClientResponse#statusMessage()} reads only the headers, so it returns null for
   * every call that had sent a response message before its status.
   */
  public static String statusMessage(GrpcClientResponse<?, ?> response) {
    String fromVertx = response.statusMessage();
    if (fromVertx != null) {
      return fromVertx;
    }
    String raw = response.trailers() == null ? null : response.trailers().get("grpc-message");
    return raw == null ? null : QueryStringDecoder.decodeComponent(raw, StandardCharsets.UTF_8);
  }
}
