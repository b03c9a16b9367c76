package io.flowmesh.source.http;

/** A request /ingest refuses: the status to answer and a reason the client can act on. */
final class BadRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  BadRequestException(int status, String error, String reason) {
    super(reason, null, false, false);
    this.status = status;
    this.error = error;
  }

  static BadRequestException badRequest(String reason) {
    return new BadRequestException(400, "bad_request", reason);
  }

  static BadRequestException tooLarge(String reason) {
    return new BadRequestException(413, "too_large", reason);
  }

  int status() {
    return status;
  }

  /** The rejection reason, as in the metric's {@code reason} tag. */
  String error() {
    return error;
  }
}
