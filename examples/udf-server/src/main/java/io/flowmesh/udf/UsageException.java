package io.flowmesh.udf;

/**
 * A bad command-line argument or option value. Its message is one line a user can act on;
 * {@link UdfMain} prints it and exits with status 2.
 */
public final class UsageException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
