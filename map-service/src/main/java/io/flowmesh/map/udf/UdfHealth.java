package io.flowmesh.map.udf;

/**
 * Why the UDF cannot do its work right now, for readiness: the latest of a stall, a protocol
 * violation and a stream that could not be opened, each until what cures it happens. A valid
 * response cures everything; a handshake answered cures a failed open; nothing left in flight
 * ends a stall. A UDF that answers garbage is also without a valid response for the stall
 * timeout: while it keeps speaking, the violation stays the reason, not the stall.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class UdfHealth {

  private enum Kind { STALLED, VIOLATION, CANNOT_OPEN }

  private Kind kind;
  private String problem;
  private boolean violationSinceStallCheck;

  /** The current problem in words, or null while the UDF answers. */
  String problem() {
    return problem;
  }

  /** The stall watch found no valid response for its timeout with work in flight. */
  void stalled(String reason) {
    if (violationSinceStallCheck) {
      violationSinceStallCheck = false;
      return;
    }
    set(Kind.STALLED, "UDF stalled: " + reason + "; its stream is being restarted");
  }

  /** The stall is over because nothing is in flight any more. */
  void idle() {
    if (kind == Kind.STALLED) {
      clear();
    }
  }

  /** The UDF broke the protocol; its stream was cancelled. */
  void violation(String detail) {
    violationSinceStallCheck = true;
    set(Kind.VIOLATION, "UDF broke the map.v1 protocol: " + detail + "; its stream is being restarted");
  }

  /** A stream could not be opened: no connection, or no handshake answer. */
  void cannotOpen(StreamEnd end) {
    if (kind != Kind.STALLED && kind != Kind.VIOLATION) {
      set(Kind.CANNOT_OPEN, "UDF stream cannot be opened (" + end + "); reconnecting");
    }
  }

  /** The UDF answered a handshake. */
  void opened() {
    if (kind == Kind.CANNOT_OPEN) {
      clear();
    }
  }

  /** The UDF answered an element properly. */
  void answered() {
    if (problem != null) {
      clear();
    }
    violationSinceStallCheck = false;
  }

  private void set(Kind k, String text) {
    kind = k;
    problem = text;
  }

  private void clear() {
    kind = null;
    problem = null;
  }
}
