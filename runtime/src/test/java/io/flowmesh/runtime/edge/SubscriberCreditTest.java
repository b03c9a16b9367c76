package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** Credit is bounded by bytes as well as by count: what the vertex buffers and holds unacked. */
class SubscriberCreditTest {

  private static final int KB = 1024;
  private static final long MIB = 1024 * 1024;

  private final InputQueue buffer = new InputQueue();
  private final SubscriberSession session = new SubscriberSession(null, 16 * MIB);

  private SubscriberCredit credit(EdgeOptions options) {
    return new SubscriberCredit(options, buffer);
  }

  private static EdgeMessage message(int bytes) {
    return EdgeMessage.newBuilder().setId("m").setValue(ByteString.copyFrom(new byte[bytes])).build();
  }

  @Test
  void beforeAnyBatchAGrantCannotBringMoreThanTheInputBytes() {
    EdgeOptions o = EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB).withMaxMessageBytes(4 * 1024 * KB);
    assertEquals(2, credit(o).grantable(session), "8 MiB of room, messages of up to 4 MiB");
  }

  @Test
  void largeMessagesGetWhatFitsTheBytesNotTheBuffersCount() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB));
    c.observe(100, 100L * 100 * KB);
    assertEquals(8 * MIB / (100 * KB), c.grantable(session), "81 messages of 100 KB in 8 MiB, not 1,024");
  }

  @Test
  void smallMessagesAreBoundByTheCount() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB));
    c.observe(256, 256L * 500);
    assertEquals(1024, c.grantable(session));
  }

  @Test
  void bytesHeldUnackedAndBufferedCountAgainstTheBound() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB));
    c.observe(10, 10L * 100 * KB);
    for (int i = 0; i < 40; i++) {
      buffer.add(new Delivery(message(100 * KB), 0, i, session));
    }
    long bufferedOnly = c.grantable(session);
    assertEquals((8 * MIB - 40 * 100 * KB) / (100 * KB), bufferedOnly, "40 buffered");
    buffer.handler(d -> { });
    buffer.deliver(); // handed to the vertex: unacked now, still held
    assertEquals(40, session.unacked);
    assertEquals(40L * 100 * KB, session.unackedBytes);
    assertEquals(bufferedOnly, c.grantable(session), "held unacked counts as buffered did");
    for (int i = 0; i < 40; i++) {
      session.settle(i, 100 * KB, null);
    }
    assertEquals(0, session.unackedBytes);
    assertEquals(8 * MIB / (100 * KB), c.grantable(session), "acked: the room is back");
  }

  @Test
  void outstandingCreditIsSubtracted() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB));
    c.observe(1, 100 * KB);
    session.credit.add(50);
    assertEquals(8 * MIB / (100 * KB) - 50, c.grantable(session));
    assertTrue(c.grantIfDue(session), "the upstream has credit left, but the grant is a quarter of the window");
    assertEquals(8 * MIB / (100 * KB), session.credit.available());
    assertEquals(0, c.grantable(session));
  }

  @Test
  void theEstimateRisesAtOnceAndFallsSlowly() {
    SubscriberCredit c = credit(EdgeOptions.defaults());
    c.observe(10, 10L * 500);
    assertEquals(500, c.expectedMessageBytes());
    c.observe(1, 100 * KB);
    assertEquals(100 * KB, c.expectedMessageBytes(), "one large batch: expected at once");
    c.observe(10, 10L * 500);
    long after = c.expectedMessageBytes();
    assertTrue(after > 80 * KB && after < 100 * KB, "falls by an eighth of the difference per batch: " + after);
  }

  @Test
  void messagesLargerThanTheBoundComeOneAtATimeInsteadOfNever() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(MIB).withMaxMessageBytes(4 * 1024 * KB));
    assertEquals(1, c.grantable(session), "before any batch: 1 MiB of room, messages of up to 4 MiB");
    c.observe(1, 3 * MIB);
    assertEquals(1, c.grantable(session), "holding nothing, one 3 MiB message may come");
    buffer.add(new Delivery(message(3 * 1024 * KB), 0, 0, session));
    assertEquals(0, c.grantable(session), "holding one: no more until it is acked");
  }

  @Test
  void emptyPayloadsAreBoundByTheCountNotByTheFirstGuess() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(8 * MIB));
    c.observe(100, 0);
    assertEquals(1, c.expectedMessageBytes());
    assertEquals(1024, c.grantable(session), "key-only records are not counted at edge.max-message-bytes");
  }

  @Test
  void aNackReleasesItsBytesToo() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(1024).withInputBytes(MIB));
    c.observe(1, 512 * KB);
    buffer.add(new Delivery(message(512 * KB), 0, 0, session));
    buffer.add(new Delivery(message(512 * KB), 0, 1, session));
    buffer.handler(d -> { });
    buffer.deliver();
    assertEquals(0, c.grantable(session), "1 MiB held");
    session.settleNack(0, 512 * KB, "retry later");
    assertEquals(1, c.grantable(session), "the nacked message's bytes are free again");
  }

  @Test
  void heldCreditGrantsNothing() {
    SubscriberCredit c = credit(EdgeOptions.defaults());
    c.observe(1, 500);
    c.hold(true);
    assertEquals(0, c.grantable(session));
    assertTrue(!c.grantIfDue(session));
  }

  @Test
  void aNearlyFullBufferWaitsForAQuarterBeforeGrantingEvenWhenTheUpstreamHasNone() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(256).withMaxUnacked(100_000).withInputBytes(64 * MIB));
    c.observe(64, 64L * 500);
    for (int i = 0; i < 256; i++) {
      buffer.add(new Delivery(message(500), 0, i, session));
    }
    assertFalse(c.grantIfDue(session), "full: nothing to grant");
    buffer.handler(d -> { });
    buffer.pause();
    for (int freed = 1; freed < 64; freed++) {
      buffer.fetch(1); // the vertex takes one: a map whose permits are all busy, one finishing
      buffer.deliver();
      assertEquals(256 - freed, buffer.size());
      assertFalse(c.grantIfDue(session), freed + " slots free, " + buffer.size() + " still buffered: no one-message grant");
    }
    buffer.fetch(1);
    buffer.deliver();
    assertTrue(c.grantIfDue(session), "a quarter of the buffer free: granted");
    assertEquals(64, session.credit.available());
  }

  @Test
  void aBufferAboutToRunDryGetsEvenASmallGrantWhenTheUpstreamHasNone() {
    SubscriberCredit c = credit(EdgeOptions.defaults().withInputCapacity(256).withMaxUnacked(300).withInputBytes(64 * MIB));
    c.observe(64, 64L * 500);
    for (int i = 0; i < 290; i++) {
      buffer.add(new Delivery(message(500), 0, i, session));
    }
    buffer.handler(d -> { });
    buffer.pause();
    buffer.fetch(280);
    buffer.deliver(); // 280 unacked, 10 buffered: max-unacked leaves room for 10 more only
    assertEquals(10, buffer.size());
    assertTrue(c.grantIfDue(session), "10 buffered, under a quarter of the window: the 10 that fit go out at once");
    assertEquals(10, session.credit.available());
    assertFalse(c.grantIfDue(session), "the upstream has credit now: nothing more until a quarter is free");
  }
}
