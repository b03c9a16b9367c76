package io.flowmesh.map.udf;

import java.util.List;

/**
 * The client's record of one element from the moment it is handed over until the listener
 * is told: the id of its current attempt, the failed attempts so far, and where it was sent.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class Pending {

  final UdfElement element;
  /** The id of the attempt on the wire, or 0 while waiting to be (re)sent. */
  long id;
  /** The attempts sent just before and just after this one that are still on the wire ({@link InFlight}'s send order). */
  Pending sentBefore;
  Pending sentAfter;
  /** The stream (unary) or batch call the current attempt travels on, or null. */
  Object carrier;
  /** When the current attempt was sent, {@link System#nanoTime()}. */
  long sentAtNanos;
  /**
   * stream-map: the results of the current attempt received before its EOT, or null. Dropped
   * when the attempt is taken off the wire without an EOT, so nothing of it leaks.
   */
  List<UdfResult> partial;
  /** When a retry is due, {@link System#nanoTime()}. */
  long dueNanos;
  /** Failed attempts so far. */
  int failedAttempts;
  /** Why the last attempt failed, or null. */
  UdfFailure.Reason lastReason;
  /** What was said about the last failure. */
  String lastDetail;
  /** True once the listener was told; nothing more happens to it. */
  boolean completed;

  Pending(UdfElement element) {
    this.element = element;
  }

  /** Records a failed attempt; returns the number of failed attempts. */
  int recordFailure(UdfFailure.Reason reason, String detail) {
    lastReason = reason;
    lastDetail = detail;
    return ++failedAttempts;
  }

  UdfFailure failure() {
    return new UdfFailure(lastReason, failedAttempts, lastDetail);
  }
}
