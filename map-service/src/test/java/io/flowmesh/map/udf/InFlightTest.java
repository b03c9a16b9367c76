package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightTest {

  private final InFlight inFlight = new InFlight(16);
  private final Object streamA = new Object();
  private final Object streamB = new Object();

  private Pending send(int index, Object carrier, long at) {
    Pending p = new Pending(new TestElement(index));
    inFlight.issue(p, carrier, at);
    return p;
  }

  private List<Integer> indexes(List<Pending> ps) {
    List<Integer> out = new ArrayList<>();
    for (Pending p : ps) {
      out.add(((TestElement) p.element).index);
    }
    return out;
  }

  @Test
  void anAnswerFindsItsAttemptByTheIdNumber() {
    Pending p1 = send(1, streamA, 10);
    Pending p2 = send(2, streamA, 20);
    assertEquals(1, p1.id);
    assertEquals(2, p2.id);
    assertSame(p2, inFlight.get(2));
    assertSame(p1, inFlight.get(1));
    assertEquals(2, inFlight.size());
  }

  @Test
  void textThatIsNotOneOfOurIdsFindsNothingAndThrowsNothing() {
    send(1, streamA, 10);
    for (String id : new String[] {"", "0", "01", "+1", "-1", "1a", " 1", "x", "99999999999999999999", "18446744073709551615"}) {
      assertEquals(-1, InFlight.number(id), id);
      assertNull(inFlight.get(InFlight.number(id)), id);
      assertFalse(inFlight.wasIssued(InFlight.number(id)), id);
    }
    assertEquals(-1, InFlight.number(null));
    assertNull(inFlight.get(0));
    assertNull(inFlight.get(2), "an id not yet issued");
    assertEquals(Long.MAX_VALUE, InFlight.number(Long.toString(Long.MAX_VALUE)));
    assertEquals(-1, InFlight.number("9223372036854775808"));
  }

  @Test
  void removingFromTheMiddleKeepsSendOrderForTheSweepAndTheStreams() {
    Pending p1 = send(1, streamA, 10);
    Pending p2 = send(2, streamB, 20);
    Pending p3 = send(3, streamA, 30);
    Pending p4 = send(4, streamB, 40);
    inFlight.remove(p2);
    assertNull(inFlight.get(2));
    assertEquals(0, p2.id);
    List<Pending> all = new ArrayList<>();
    inFlight.collectAll(all);
    assertEquals(List.of(1, 3, 4), indexes(all));

    List<Pending> expired = new ArrayList<>();
    inFlight.collectSentBefore(30, expired);
    assertEquals(List.of(1, 3), indexes(expired), "the sweep takes what was sent at or before the cut, oldest first");

    List<Pending> onB = new ArrayList<>();
    inFlight.collectOn(streamB, onB);
    assertEquals(List.of(4), indexes(onB));
    assertSame(p1, inFlight.oldestOn(streamA));

    inFlight.remove(p1);
    inFlight.remove(p4);
    assertSame(p3, inFlight.oldestOn(streamA));
    assertNull(inFlight.oldestOn(streamB));
    inFlight.remove(p3);
    assertEquals(0, inFlight.size());
    all.clear();
    inFlight.collectAll(all);
    assertTrue(all.isEmpty());

    Pending p5 = send(5, streamA, 50);
    assertEquals(5, p5.id, "ids are never reused");
    assertTrue(inFlight.wasIssued(2), "an answered id was issued");
    assertFalse(inFlight.wasIssued(6), "the next id was not");
  }

  @Test
  void anAttemptStillOnTheWireCannotBeSentAgain() {
    Pending p1 = send(1, streamA, 10);
    send(2, streamA, 20);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> inFlight.issue(p1, streamB, 30));
    assertTrue(e.getMessage().contains("id=1"), e.getMessage());
    List<Pending> all = new ArrayList<>();
    inFlight.collectAll(all);
    assertEquals(List.of(1, 2), indexes(all), "the refused send changed nothing");
    assertSame(streamA, p1.carrier);
  }

  @Test
  void aResentAttemptGoesToTheBackUnderANewId() {
    Pending p1 = send(1, streamA, 10);
    send(2, streamA, 20);
    inFlight.retire(p1);
    assertTrue(inFlight.isRetired(1));
    inFlight.issue(p1, streamA, 30);
    assertEquals(3, p1.id);
    List<Pending> all = new ArrayList<>();
    inFlight.collectAll(all);
    assertEquals(List.of(2, 1), indexes(all));
    assertTrue(inFlight.takeRetired(1));
    assertFalse(inFlight.takeRetired(1), "a retired id is taken once");
  }

  /**
   * The slots 500 consecutive ids take in a table of 2,048 (a quarter full, as {@link InFlight}
   * keeps it; the slot computed as Netty's map does: the key's halves folded, its low bits) form
   * no run longer than two, wherever the ids start; and no two ids share a key.
   */
  @Test
  void consecutiveIdsAreSpreadEvenlyOverTheSlotsUnderKeysOfTheirOwn() {
    for (long first : new long[] {1, 1_000_003, 4_294_967_000L, 123_456_789_012L}) {
      boolean[] taken = new boolean[2048];
      java.util.Set<Long> keys = new java.util.HashSet<>();
      for (long n = first; n < first + 500; n++) {
        long k = InFlight.key(n);
        assertTrue(keys.add(k), "key of " + n + " already taken");
        int slot = (int) (k ^ (k >>> 32)) & 2047;
        assertFalse(taken[slot], "ids from " + first + ": slot " + slot + " twice");
        taken[slot] = true;
      }
      int longest = 0;
      for (int i = 0, run = 0; i < 2 * 2048; i++) {
        run = taken[i & 2047] ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
      assertTrue(longest <= 2, "ids from " + first + ": a run of " + longest + " slots");
    }
    assertNotEquals(InFlight.key(5), InFlight.key(5 + (1L << 32)), "ids 2^32 apart");
  }

  /**
   * Sending one and answering the oldest, over and over, costs about the same per element with
   * 16,384 on the wire as with 64. Filed under the bare id number, the consecutive ids formed one
   * run of slots that every removal walked to its end: at 16,384 that was hundreds of times the
   * cost at 64. Compared within one run, best of five, so the machine's speed cancels out.
   */
  @Test
  void answeringCostsTheSameWhetherFewOrManyAreOnTheWire() {
    int ops = 200_000;
    long small = Long.MAX_VALUE;
    long large = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      small = Math.min(small, slidingWindowNanos(64, ops));
      large = Math.min(large, slidingWindowNanos(16_384, ops));
    }
    double ratio = (double) large / small;
    assertTrue(ratio < 8, String.format("per element, 16,384 on the wire cost %.1f times 64 on the wire"
        + " (%d ns against %d ns for %d elements)", ratio, large, small, ops));
  }

  private static List<Integer> detaches(Pending... ps) {
    List<Integer> out = new ArrayList<>();
    for (Pending p : ps) {
      out.add(((TestElement) p.element).detaches);
    }
    return out;
  }

  @Test
  void attemptsSentByTheCutoffAreDetachedOnceEachAndYoungerOnesAreNot() {
    Pending p1 = send(1, streamA, 10);
    Pending p2 = send(2, streamA, 20);
    Pending p3 = send(3, streamA, 30);
    inFlight.detachSentBefore(5);
    assertEquals(List.of(0, 0, 0), detaches(p1, p2, p3), "none was sent by 5");
    inFlight.detachSentBefore(20);
    assertEquals(List.of(1, 1, 0), detaches(p1, p2, p3));
    inFlight.detachSentBefore(25);
    assertEquals(List.of(1, 1, 0), detaches(p1, p2, p3), "the first two are not detached again");
    inFlight.detachSentBefore(100);
    inFlight.detachSentBefore(200);
    assertEquals(List.of(1, 1, 1), detaches(p1, p2, p3));
    assertEquals(3, inFlight.size(), "detaching takes nothing off the wire");
  }

  @Test
  void theDetachSweepStepsPastAnAnsweredAttemptAndReachesAttemptsSentAfterItReachedTheEnd() {
    Pending p1 = send(1, streamA, 10);
    Pending p2 = send(2, streamA, 20);
    Pending p3 = send(3, streamA, 30);
    inFlight.detachSentBefore(10);
    inFlight.remove(p2); // answered: the attempt the sweep would look at next
    inFlight.detachSentBefore(30);
    assertEquals(List.of(1, 0, 1), detaches(p1, p2, p3));
    Pending p4 = send(4, streamA, 40); // sent after the sweep reached every attempt on the wire
    inFlight.remove(p3);
    inFlight.detachSentBefore(39);
    assertEquals(0, detaches(p4).get(0), "p4 was sent after 39");
    inFlight.detachSentBefore(40);
    assertEquals(1, detaches(p4).get(0));
    inFlight.remove(p1); // its stream broke: resent as a new attempt, which is reached again
    inFlight.issue(p1, streamB, 50);
    inFlight.detachSentBefore(50);
    assertEquals(List.of(2, 0, 1, 1), detaches(p1, p2, p3, p4));
    inFlight.remove(p1);
    inFlight.remove(p4);
    assertEquals(0, inFlight.size());
    Pending p5 = send(5, streamA, 60); // the wire was empty
    inFlight.detachSentBefore(60);
    assertEquals(1, detaches(p5).get(0));
  }

  /** Keeps {@code window} attempts on the wire while {@code ops} more are sent and the oldest answered each time. */
  private static long slidingWindowNanos(int window, int ops) {
    InFlight table = new InFlight(16);
    Object carrier = new Object();
    Pending[] ring = new Pending[window];
    for (int i = 0; i < window; i++) {
      ring[i] = new Pending(new TestElement(i));
      table.issue(ring[i], carrier, i);
    }
    long start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      Pending oldest = ring[i % window];
      assertSame(oldest, table.get(oldest.id));
      table.remove(oldest);
      table.issue(oldest, carrier, i);
    }
    long took = System.nanoTime() - start;
    assertEquals(window, table.size());
    return took;
  }
}
