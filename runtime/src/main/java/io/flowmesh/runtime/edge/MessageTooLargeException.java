package io.flowmesh.runtime.edge;

/** A message's value is larger than {@code edge.max-message-bytes} allows. */
public final class MessageTooLargeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public MessageTooLargeException(String id, long size, long max) {
    super("message id=" + id + " is " + size + " bytes, over edge.max-message-bytes=" + max);
  }
}
