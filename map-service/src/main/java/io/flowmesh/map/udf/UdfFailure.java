package io.flowmesh.map.udf;

/**
 * Why the client gave up on an element.
 *
 * @param reason what made the last attempt fail
 * @param attempts how many attempts failed, including the last one
 * @param detail what the UDF or the transport said, for logs and nack reasons
 */
public record UdfFailure(Reason reason, int attempts, String detail) {

  /** What made an attempt fail, or why no attempt could be made. */
  public enum Reason {
    /** No response within {@code udf.timeout}. */
    TIMEOUT,
    /** The UDF ended the stream with an error status (the SDKs: INTERNAL, {@code UDF_EXECUTION_ERROR}). */
    UDF_ERROR,
    /** The UDF broke the map.v1 protocol on the stream that carried the element. */
    PROTOCOL_VIOLATION,
    /** The encoded request is larger than {@code udf.max-message-size}; never sent. */
    TOO_LARGE,
    /** The client was closed while the element was in flight. */
    CLOSED
  }

  @Override
  public String toString() {
    return reason + " after " + attempts + " attempt(s): " + detail;
  }
}
