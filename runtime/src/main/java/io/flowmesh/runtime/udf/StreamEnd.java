package io.flowmesh.runtime.udf;

/**
 * How a stream to a UDF ended, as seen by the client.
 *
 * @param kind the class of ending, which decides whether in-flight messages lose an attempt
 * @param grpcStatus the gRPC status code for {@link Kind#STATUS}, else -1
 * @param detail the status message, the exception, or the violated rule
 */
public record StreamEnd(Kind kind, int grpcStatus, String detail) {

  /** The classes of ending. */
  public enum Kind {
    /** The connection or stream broke, or could not be opened: not the messages' fault. */
    TRANSPORT,
    /** The UDF ended the stream with a gRPC status (0 = OK: it just closed it). */
    STATUS,
    /** The UDF broke the protocol; the client cancelled the stream. */
    VIOLATION
  }

  public static StreamEnd transport(Throwable cause) {
    String message = cause.getMessage();
    return new StreamEnd(Kind.TRANSPORT, -1,
        cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }

  public static StreamEnd status(int code, String message) {
    return new StreamEnd(Kind.STATUS, code, message == null ? "" : message);
  }

  public static StreamEnd violation(String detail) {
    return new StreamEnd(Kind.VIOLATION, -1, detail);
  }

  /** gRPC CANCELLED: the call was abandoned, as when a server shuts down. */
  public static final int CANCELLED = 1;
  /** gRPC UNAVAILABLE: transient, as when a server is going away. */
  public static final int UNAVAILABLE = 14;

  /**
   * True for an error status the UDF chose (the SDKs: INTERNAL, UDF_EXECUTION_ERROR): a
   * failed attempt for every message in flight on the stream. OK, CANCELLED and
   * UNAVAILABLE say the stream or the server went away, which costs no attempt.
   */
  public boolean isUdfError() {
    return kind == Kind.STATUS && grpcStatus != 0 && grpcStatus != CANCELLED && grpcStatus != UNAVAILABLE;
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
