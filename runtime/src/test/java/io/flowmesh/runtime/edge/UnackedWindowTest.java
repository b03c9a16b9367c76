package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnackedWindowTest {

  private static EdgeMessage msg(long i) {
    return EdgeMessage.newBuilder().setId("m" + i).setValue(ByteString.copyFromUtf8("v")).build();
  }

  @Test
  void sequenceNumbersAreAssignedInOrderFromTheFirst() {
    UnackedWindow w = new UnackedWindow(5, 100);
    assertEquals(5, w.add(msg(0), null));
    assertEquals(6, w.add(msg(1), null));
    assertEquals(2, w.count());
  }

  @Test
  void outOfOrderAcksReturnEachMessageWithItsAttachmentOnce() {
    UnackedWindow w = new UnackedWindow(0, 1 << 20);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      seqs.add(w.add(msg(i), "a" + i));
    }
    Collections.shuffle(seqs, new Random(7));
    for (long s : seqs) {
      assertEquals(UnackedWindow.AckResult.ACKED, w.ack(s));
      assertEquals("m" + s, w.lastMessage().getId());
      assertEquals("a" + s, w.lastAttachment());
      assertEquals(UnackedWindow.AckResult.ALREADY_DONE, w.ack(s));
    }
    assertEquals(0, w.count());
  }

  @Test
  void anAckForASequenceNeverSentIsRecognised() {
    UnackedWindow w = new UnackedWindow(0, 10);
    w.add(msg(0), null);
    assertEquals(UnackedWindow.AckResult.NEVER_SENT, w.ack(1));
    assertEquals(UnackedWindow.AckResult.NEVER_SENT, w.ack(-3));
  }

  @Test
  void oneOldUnackedMessageBoundsTheSpanAndTheRingGrowsUpToIt() {
    UnackedWindow w = new UnackedWindow(0, 5000);
    w.add(msg(0), null);
    for (int i = 1; i < 5000; i++) {
      w.ack(w.add(msg(i), null));
    }
    assertEquals(1, w.count());
    assertEquals(0, w.room());
    assertThrows(IllegalStateException.class, () -> w.add(msg(9), null));
    w.ack(0);
    assertEquals(5000, w.room());
  }

  @Test
  void drainingVisitsNewestFirstSoPushingToTheFrontRestoresOrder() {
    UnackedWindow w = new UnackedWindow(0, 100);
    for (int i = 0; i < 6; i++) {
      w.add(msg(i), null);
    }
    w.ack(2);
    OutboundQueue q = new OutboundQueue(10);
    q.offer(msg(99), null);
    w.drainNewestFirst((seq, m, a) -> q.pushFront(m, a));
    List<String> ids = new ArrayList<>();
    while (!q.isEmpty()) {
      ids.add(q.peek().getId());
      q.remove();
    }
    assertEquals(List.of("m0", "m1", "m3", "m4", "m5", "m99"), ids);
    assertEquals(0, w.count());
  }

  @Test
  void queueRefusesProducersAtCapacityButAlwaysTakesRedeliveries() {
    OutboundQueue q = new OutboundQueue(2);
    EdgeMessage a = msg(1);
    q.offer(a, "x");
    q.offer(msg(2), null);
    assertEquals(false, q.offer(msg(3), null));
    for (int i = 0; i < 100; i++) {
      q.pushFront(msg(100 + i), null);
    }
    assertEquals(102, q.size());
    assertEquals(0, q.room());
  }

  @Test
  void queueCountsPayloadBytes() {
    OutboundQueue q = new OutboundQueue(10);
    EdgeMessage a = msg(1);
    q.offer(a, "att");
    assertEquals(1, q.bytes());
    assertSame(a, q.peek());
    assertEquals("att", q.peekAttachment());
    q.remove();
    assertEquals(0, q.bytes());
  }
}
