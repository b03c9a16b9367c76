package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Message;

/**
 * One message as a downstream vertex receives it from an {@link EdgeSubscriber}: the message, the
 * upstream watermark it arrived with, and what the subscriber needs to ack or nack it. Ack or nack
 * each delivery exactly once, through the subscriber that delivered it.
 */
public final class Delivery {

  private final Message message;
  private final long watermark;
  final long seq;
  final SubscriberSession session;

  Delivery(Message message, long watermark, long seq, SubscriberSession session) {
    this.message = message;
    this.watermark = watermark;
    this.seq = seq;
    this.session = session;
  }

  public Message message() {
    return message;
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
