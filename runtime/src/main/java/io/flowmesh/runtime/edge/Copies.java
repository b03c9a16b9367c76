package io.flowmesh.runtime.edge;

/**
 * A message that went on several outbound edges: the producer's attachment, and how many of its
 * copies are not yet acked and how many wait in a queue. It stands in for the attachment in every
 * edge's queue and unacked window (the message itself is shared, never copied); the producer hears
 * of the message once, when the last copy is acked. Pooled by the {@link EdgeServer}: reused once no
 * copy is left anywhere.
 *
 * <h2>Concurrency</h2>
 * Owned by its {@link EdgeServer}'s event loop.
 */
final class Copies {

  /** What the producer offered with the message. */
  Object attachment;
  /** Copies not yet acked: queued, sent and unacked, or waiting out a nack backoff. */
  int remaining;
  /** Copies waiting in an edge's queue. */
  int queued;
  /** Handed back to the producer unsent ({@link EdgeServer#takeQueued}): later acks of copies are not told. */
  boolean takenBack;
  /**
   * A message marked serve: the replies of the copies acked so far; made at the first reply and kept
   * with this pooled object (it starts over empty when taken).
   */
  MergedReply reply;
}
