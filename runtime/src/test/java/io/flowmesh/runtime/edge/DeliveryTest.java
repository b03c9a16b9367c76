package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A released delivery lets go of its message but keeps what settling it needs (its size for the
 * byte bound, its seq); one marked serve keeps the message, whose id its reply names.
 */
class DeliveryTest {

  private final SubscriberSession session = new SubscriberSession(null, 1 << 20);

  /** A batch frame of these messages, as the upstream writes it. */
  private static byte[] frameOf(Message... messages) {
    return UpstreamFrame.newBuilder().setBatch(Batch.newBuilder().addAllMessages(List.of(messages))).build().toByteArray();
  }

  /**
   * The frame's first message, parsed from a buffer over the frame's own array (as Vert.x hands a
   * DATA frame over): its fields are slices of it.
   */
  private static EdgeMessage firstParsedFrom(byte[] frame) throws Exception {
    return EdgeFrames.parse(BufferInternal.buffer(Unpooled.wrappedBuffer(frame))).messages().get(0);
  }

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
  void aServeDeliveryCutFromAFrameKeepsACopyOfItsOwnWhenReleased() throws Exception {
    Message sent = Message.newBuilder().setId("req-1").setValue(ByteString.copyFromUtf8("question")).setServe(true).build();
    byte[] frame = frameOf(sent, Message.newBuilder().setId("req-2").setValue(ByteString.copyFromUtf8("another")).build());
    Delivery d = new Delivery(firstParsedFrom(frame), 0, 1, session);
    d.release();
    Arrays.fill(frame, (byte) '?');
    assertTrue(d.serve());
    assertEquals("req-1", d.message().getId(), "kept, and nothing of it was in the frame");
    assertEquals("question", d.message().getValue().toStringUtf8());
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

  @Test
  void aDetachedDeliveryHoldsAnEqualMessageThatNoLongerSharesTheFrameItArrivedIn() throws Exception {
    Message sent = Message.newBuilder().setId("m-1").setValue(ByteString.copyFromUtf8("value-1")).addKeys("k-1")
        .addTags("t-1").setEventTime(5).setIngestTime(6).build();
    byte[] frame = frameOf(sent, Message.newBuilder().setId("m-2").setValue(ByteString.copyFromUtf8("value-2")).build());
    EdgeMessage parsed = firstParsedFrom(frame);
    Delivery d = new Delivery(parsed, 0, 1, session);
    d.detach();
    EdgeMessage detached = d.message();
    assertEquals(parsed, detached);
    assertArrayEquals(sent.toByteArray(), detached.toByteArray(), "written as it came");

    Arrays.fill(frame, (byte) '?');
    assertNotEquals("value-1", parsed.getValue().toStringUtf8(), "the parsed message's fields are slices of the frame");
    assertEquals("m-1", detached.getId());
    assertEquals("value-1", detached.getValue().toStringUtf8());
    assertEquals(List.of("k-1"), detached.getKeysList());
    assertEquals(List.of("t-1"), detached.getTagsList());
    assertArrayEquals(sent.toByteArray(), detached.toByteArray(), "nothing of it was in the frame");

    d.detach();
    assertSame(detached, d.message(), "detached once");
    d.release();
    d.detach();
    assertNull(d.message(), "a released delivery has nothing to detach");
  }
}
