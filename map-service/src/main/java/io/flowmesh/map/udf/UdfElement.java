package io.flowmesh.map.udf;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;

/**
 * One element handed to the UDF. The engine's in-flight record implements this, so the
 * client allocates nothing of its own to remember what it was given, and writes the request
 * straight from it into the stream's buffer (no request message is built).
 *
 * <p>The client compares elements by identity and never calls {@code equals} or
 * {@code hashCode} on them.
 */
public interface UdfElement {

  /**
   * The size of the element's encoded {@code MapRequest.Request}; the same on every call (the
   * element computes it once). The client adds the id beside it on the wire.
   */
  int requestSize();

  /**
   * Writes the element's {@code MapRequest.Request}, encoded: exactly {@link #requestSize()} bytes,
   * its fields without a tag or length before them. Called again, with the same result, for
   * every attempt.
   */
  void writeRequest(CodedOutputStream out) throws IOException;

  /**
   * The element has been with the UDF a while ({@link UnaryDispatcher#DETACH_AFTER_NANOS}) or waits
   * for a stream to reopen: it should stop sharing what it holds with elements long done (its input's
   * bytes are slices of a frame the whole batch arrived in). Called at most once per attempt and
   * per wait; requests written afterwards are the same.
   *
   * @return how many inputs this detached (0 when it was detached already)
   */
  default int detach() {
    return 0;
  }
}
