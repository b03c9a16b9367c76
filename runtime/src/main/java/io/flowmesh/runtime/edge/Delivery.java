package io.flowmesh.runtime.edge;


/**
 * One message as a downstream vertex receives it from an {@link EdgeSubscriber}: the message, the
 * upstream watermark it arrived with, and what the subscriber needs to ack or nack it. Ack or nack
 * each delivery exactly once, through the subscriber that delivered it. A vertex that is done
 * reading the message before it settles it may {@link #release()} it.
 */
public final class Delivery {

  /** Null once {@linkplain #release() released}. */
  private EdgeMessage message;
  /** The payload's size, what the edge's byte bound counted it at; kept after a release. */
  final int size;
  private final long watermark;
  final long seq;
  final SubscriberSession session;

  Delivery(EdgeMessage message, long watermark, long seq, SubscriberSession session) {
    this.message = message;
    this.size = message.getValue().size();
    this.watermark = watermark;
    this.seq = seq;
    this.session = session;
  }

  /** The message as it arrived; null after {@link #release()} unless it is marked serve. */
  public EdgeMessage message() {
    return message;
  }

  /** Whether the message is marked serve (the edge message's {@code serve} field): its ack carries a reply. */
  public boolean serve() {
    return message != null && message.getServe();
  }

  /**
   * Lets go of the message: the vertex still has to ack or nack it but no longer reads it (a map
   * whose outputs are built, waiting for their downstream acks). Its value is a slice of the DATA
   * frame it arrived in, so holding it until the ack would keep that frame alive for the outputs'
   * round trip (the frame itself goes once no other message sliced from it is held either). A
   * message marked serve is kept, as a copy of its own ({@link #detach}): its ack names it in the
   * reply. The edge still counts its size against {@code edge.input-bytes} until it is settled;
   * {@link #message()} is null from here on, but for a serve message.
   */
  public void release() {
    if (message != null) {
      message = message.getServe() ? message.detached() : null;
    }
  }

  /**
   * Keeps the message, but with bytes of its own ({@link EdgeMessage#detached}) instead of slices of
   * the DATA frame it arrived in. For a message held much longer than the others of its batch (an
   * element a slow UDF call keeps): as a slice it would keep the whole frame, every message of the
   * batch, alive with it. One copy of its bytes; nothing when released or detached already.
   */
  public void detach() {
    if (message != null) {
      message = message.detached();
    }
  }

  /** The upstream's watermark when this message was sent, epoch milliseconds ({@link Watermarks#NONE} if none yet). */
  public long watermark() {
    return watermark;
  }

  /** The per-edge sequence number (for logs). */
  public long seq() {
    return seq;
  }
}
