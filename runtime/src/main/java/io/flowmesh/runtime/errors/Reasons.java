package io.flowmesh.runtime.errors;

import io.vertx.grpc.common.GrpcStatus;

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
}
