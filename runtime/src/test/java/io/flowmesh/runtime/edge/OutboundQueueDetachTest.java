package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundQueue#detachOlderThan}: a message that waits long in the queue (its edge's
 * subscribers gone or taking nothing) while the rest of its frame went to other edges does not
 * keep the frame.
 */
class OutboundQueueDetachTest {

  private static final long AGE = 10;

  /** A map's output whose value is a slice of a frame of forty UDF answers of 100 bytes ({@code answers}). */
  private static EdgeMessage output(ByteString answers, long i) {
    int at = (int) (i % 40) * 100;
    return EdgeMessage.ofSlices(ByteString.copyFromUtf8("o-" + i), answers.substring(at, at + 100), List.of(), 0, List.of(),
        0, List.of(), false);
  }

  private static ByteString frame() {
    return ByteString.copyFromUtf8("a".repeat(4_000));
  }

  @Test
  void oneMessagePerFrameWaitingForASubscriberIsCopiedOnceWhenOldAndStaysInItsPlace() {
    OutboundQueue q = new OutboundQueue(1_024);
    q.detachOlderThan(1_000, AGE);
    List<EdgeMessage> queued = new ArrayList<>();
    for (int f = 0; f < 5; f++) { // one output of each of five frames routed here, the rest elsewhere
      queued.add(output(frame(), f));
      q.offer(queued.get(f), "a-" + f);
    }
    assertEquals(0, q.detachOlderThan(1_005, AGE), "not yet the age since the last look");
    assertEquals(0, q.detachOlderThan(1_010, AGE), "queued after the previous look: not known to be old yet");
    q.offer(output(frame(), 5), "a-5"); // young at the next look
    assertEquals(5, q.detachOlderThan(1_020, AGE), "each holds a fortieth of its frame");
    assertEquals(1, q.detachOlderThan(1_030, AGE), "the sixth, old now");
    assertEquals(0, q.detachOlderThan(1_040, AGE), "copied once");
    for (int f = 0; f < 5; f++) {
      assertEquals(queued.get(f), q.peek(), "front " + f);
      assertNotSame(queued.get(f), q.peek(), "front " + f + " is a copy");
      assertEquals("a-" + f, q.peekAttachment());
      q.remove();
    }
    assertEquals(1, q.size());
    assertEquals(100, q.bytes(), "payload bytes counted as before");
  }

  @Test
  void aQueueHoldingWholeFramesIsLeftAsItIs() {
    OutboundQueue q = new OutboundQueue(1_024);
    q.detachOlderThan(1_000, AGE);
    ByteString answers = frame();
    List<EdgeMessage> queued = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // a downstream slow to take anything: the frame holds what waits
      queued.add(output(answers, i));
      q.offer(queued.get(i), null);
    }
    q.detachOlderThan(1_010, AGE);
    assertEquals(0, q.detachOlderThan(1_020, AGE), "the whole frame waits");
    for (int i = 0; i < 38; i++) { // a subscriber took most of it
      q.remove();
    }
    assertEquals(2, q.detachOlderThan(1_030, AGE), "the two left of it");
    assertEquals(2, q.size(), "still queued, copied in place");
  }

  @Test
  void theLookFollowsPositionsThroughRedeliveriesWrapAndGrowth() {
    OutboundQueue q = new OutboundQueue(100);
    q.detachOlderThan(1_000, AGE);
    List<EdgeMessage> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // a ring of 128: move the front on, so the offers over capacity below wrap
      q.offer(output(frame(), i), null);
      q.remove();
    }
    for (int i = 0; i < 100; i++) {
      all.add(output(frame(), 100 + i));
      q.offer(all.get(i), i);
    }
    EdgeMessage redelivered = output(frame(), 99);
    q.pushFront(redelivered, "back"); // before the front's position
    for (int i = 100; i < 140; i++) { // over capacity (overBound): the ring grows to 256 while wrapped
      all.add(output(frame(), 100 + i));
      q.offer(all.get(i), i, true);
    }
    assertEquals(0, q.detachOlderThan(1_010, AGE), "nothing was queued before a look");
    assertEquals(141, q.detachOlderThan(1_020, AGE), "everything, each alone in its frame");
    assertEquals(redelivered, q.peek());
    assertNotSame(redelivered, q.peek());
    assertEquals("back", q.peekAttachment());
    q.remove();
    for (int i = 0; i < 140; i++) {
      assertEquals(all.get(i), q.peek(), "message " + i + " in its place");
      assertEquals(i, q.peekAttachment());
      q.remove();
    }
    assertEquals(0, q.detachOlderThan(1_030, AGE), "empty");
  }

  @Test
  void redeliveriesPutBackBeforePositionZeroAndAfterALookAreLookedAtAsOld() {
    OutboundQueue q = new OutboundQueue(100);
    List<EdgeMessage> back = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      back.add(output(frame(), i));
    }
    q.pushFront(back.get(2), 2); // positions -1, -2: never offered here, a lost subscriber's messages put back
    q.pushFront(back.get(1), 1);
    assertEquals(2, q.detachOlderThan(1_000, AGE), "sent before: old at the first look, each alone in its frame");
    q.pushFront(back.get(0), 0); // position -3, after that look
    assertEquals(1, q.detachOlderThan(1_010, AGE), "old too at the next look");
    assertEquals(0, q.detachOlderThan(1_020, AGE), "each copied once");
    for (int i = 0; i < 3; i++) {
      assertEquals(back.get(i), q.peek(), "redelivery " + i + " in its place");
      assertNotSame(back.get(i), q.peek());
      assertEquals(i, q.peekAttachment());
      q.remove();
    }
  }

  @Test
  void aQueueThatHasNotMovedSinceTheLastLookIsNotWalkedAgain() {
    OutboundQueue q = new OutboundQueue(100);
    ByteString answers = frame();
    q.detachOlderThan(1_000, AGE);
    for (int i = 0; i < 40; i++) { // a whole frame, waiting for a subscriber that is gone: never copied
      q.offer(output(answers, i), null);
    }
    assertEquals(0, q.detachOlderThan(1_010, AGE));
    assertEquals(1, q.walks, "walked once: the 40 were offered since the first look");
    assertEquals(0, q.detachOlderThan(1_020, AGE), "held whole");
    assertEquals(0, q.detachOlderThan(1_030, AGE));
    assertEquals(2, q.walks, "walked again once they were old; not since: nothing moved");
    q.remove(); // the queue moves: the next look walks it again (and finds the frame still mostly held)
    assertEquals(0, q.detachOlderThan(1_040, AGE));
    assertEquals(3, q.walks);
    for (int i = 0; i < 37; i++) {
      q.remove();
    }
    assertEquals(2, q.detachOlderThan(1_050, AGE), "the two left of the frame");
  }
}
