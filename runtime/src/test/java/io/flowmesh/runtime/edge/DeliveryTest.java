package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * A released delivery lets go of its message but keeps what settling it needs (its size for the
 * byte bound, its seq); one marked serve keeps the message, whose id its reply names.
 */
class DeliveryTest {

  private final SubscriberSession session = new SubscriberSession(null, 1 << 20);

  private static EdgeMessage message(boolean serve) {
    return EdgeMessage.newBuilder().setId("m-1").setValue(ByteString.copyFrom(new byte[1000])).setServe(serve).build();
  }

  @Test
  void aReleasedDeliveryDropsItsMessageAndKeepsItsSizeSeqAndWatermark() {
    Delivery d = new Delivery(message(false), 42, 7, session);
    assertFalse(d.serve());
    d.release();
    assertNull(d.message());
    assertFalse(d.serve());
    assertEquals(1000, d.size);
    assertEquals(7, d.seq());
    assertEquals(42, d.watermark());
  }

  @Test
  void aDeliveryMarkedServeKeepsItsMessageWhenReleased() {
    EdgeMessage m = message(true);
    Delivery d = new Delivery(m, 0, 3, session);
    d.release();
    assertSame(m, d.message());
    assertTrue(d.serve());
  }

  @Test
  void settlingAReleasedDeliveryFreesTheBytesItWasCountedAt() {
    InputQueue queue = new InputQueue();
    Delivery d = new Delivery(message(false), 0, 0, session);
    queue.add(d);
    assertEquals(1000, queue.bytes());
    queue.handler(x -> { });
    queue.deliver();
    assertEquals(1000, session.unackedBytes);
    d.release();
    session.settle(d.seq, d.size, null);
    assertEquals(0, session.unackedBytes);
    assertEquals(0, session.unacked);
  }
}
