package io.flowmesh.map.udf;

/**
 * How a {@code MapFn} stream ended, as seen by the client.
 *
 * @param kind the class of ending, which decides whether in-flight elements lose an attempt
 * @param grpcStatus the gRPC status code for {@link Kind#STATUS}, else -1
 * @param detail the status message, the exception, or the violated rule
 */
record StreamEnd(Kind kind, int grpcStatus, String detail) {

  /** The classes of ending. */
  enum Kind {
    /** The connection or stream broke, or could not be opened: not the elements' fault. */
    TRANSPORT,
    /** The UDF ended the stream with a gRPC status (0 = OK: it just closed it). */
    STATUS,
    /** The UDF broke the protocol; the client cancelled the stream. */
    VIOLATION
  }

  static StreamEnd transport(Throwable cause) {
    String message = cause.getMessage();
    return new StreamEnd(Kind.TRANSPORT, -1,
        cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }

  static StreamEnd status(int code, String message) {
    return new StreamEnd(Kind.STATUS, code, message == null ? "" : message);
  }

  static StreamEnd violation(String detail) {
    return new StreamEnd(Kind.VIOLATION, -1, detail);
  }

  /** True for a non-OK status: a failed attempt for every element in flight on the stream. */
  boolean isUdfError() {
    return kind == Kind.STATUS && grpcStatus != 0;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case TRANSPORT -> "transport failure: " + detail;
      case STATUS -> "grpc-status " + grpcStatus + (detail.isEmpty() ? "" : ": " + detail);
      case VIOLATION -> "protocol violation: " + detail;
    };
  }
}
