package io.flowmesh.source.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

  private final boolean[] whole = new boolean[1];

  @Test
  void commitsTheLowestUnackedOffsetAndCarriesTheAckedOnesAboveItInTheMetadata() {
    PartitionTracker t = new PartitionTracker(0);
    for (long o = 0; o < 10; o++) {
      t.read(o, false);
    }
    for (long o : new long[] {3, 5, 6, 9}) {
      assertTrue(t.ack(o));
    }
    assertEquals(0, t.commitOffset());
    assertArrayEquals(new long[] {3, 3, 5, 6, 9, 9}, OffsetRuns.decode(0, t.metadata(4000, whole)));
    assertTrue(whole[0]);
    for (long o : new long[] {0, 1, 2}) {
      t.ack(o);
    }
    assertEquals(4, t.commitOffset());
    assertArrayEquals(new long[] {5, 6, 9, 9}, OffsetRuns.decode(4, t.metadata(4000, whole)));
    for (long o : new long[] {4, 7, 8}) {
      t.ack(o);
    }
    assertEquals(10, t.commitOffset());
    assertEquals("", t.metadata(4000, whole));
    assertEquals(0, t.pending());
  }

  @Test
  void anAckTwiceOrBelowTheCommitPointChangesNothing() {
    PartitionTracker t = new PartitionTracker(100);
    t.read(100, false);
    t.read(101, false);
    assertTrue(t.ack(101));
    assertFalse(t.ack(101));
    assertFalse(t.ack(99));
    assertFalse(t.ack(102));
    assertEquals(100, t.commitOffset());
    assertEquals(1, t.pending());
  }

  @Test
  void offsetsWithGapsCommitPastTheGap() {
    PartitionTracker t = new PartitionTracker(0);
    for (long o : new long[] {0, 2, 5, 7}) {
      t.read(o, false);
    }
    t.ack(5);
    assertArrayEquals(new long[] {5, 5}, OffsetRuns.decode(0, t.metadata(4000, whole)));
    t.ack(0);
    assertEquals(2, t.commitOffset());
    t.ack(2);
    assertEquals(7, t.commitOffset());
    t.ack(7);
    assertEquals(8, t.commitOffset());
  }

  @Test
  void aRestartSkipsWhatTheMetadataSaysWasDoneAndRereadsOnlyTheRest() {
    PartitionTracker before = new PartitionTracker(0);
    for (long o = 0; o < 1000; o++) {
      before.read(o, false);
    }
    Random r = new Random(7);
    TreeSet<Long> acked = new TreeSet<>();
    for (long o = 0; o < 1000; o++) {
      if (r.nextInt(10) < 8) {
        before.ack(o);
        acked.add(o);
      }
    }
    long commit = before.commitOffset();
    String metadata = before.metadata(4000, whole);
    assertTrue(whole[0]);

    long[] runs = OffsetRuns.decode(commit, metadata);
    PartitionTracker after = new PartitionTracker(commit);
    int run = 0;
    int reread = 0;
    for (long o = commit; o < 1000; o++) {
      while (run < runs.length && runs[run + 1] < o) {
        run += 2;
      }
      boolean skip = run < runs.length && runs[run] <= o;
      after.read(o, skip);
      if (!skip) {
        reread++;
        assertFalse(acked.contains(o), "offset " + o + " was acked before the restart but is read again");
      }
    }
    assertEquals(1000 - acked.size(), reread, "exactly the unacked records are read again");
    assertEquals(reread, after.pending());
    assertEquals(commit, after.commitOffset());
  }

  @Test
  void metadataThatDoesNotFitKeepsTheLowestRunsAndSaysSo() {
    PartitionTracker t = new PartitionTracker(0);
    for (long o = 0; o < 10_000; o++) {
      t.read(o, false);
      if (o % 2 == 1) {
        t.ack(o);
      }
    }
    String m = t.metadata(100, whole);
    assertFalse(whole[0]);
    assertTrue(m.length() <= 100, m);
    long[] runs = OffsetRuns.decode(0, m);
    assertTrue(runs.length >= 2);
    for (int i = 0; i < runs.length; i += 2) {
      assertEquals(2 * (i / 2) + 1, runs[i], "runs are the lowest, in order");
      assertEquals(runs[i], runs[i + 1]);
    }
  }

  @Test
  void randomAckOrdersAlwaysCommitTheLowestUnackedAndDescribeTheRestExactly() {
    Random r = new Random(42);
    for (int round = 0; round < 20; round++) {
      int n = 2000;
      PartitionTracker t = new PartitionTracker(0);
      List<Long> order = new ArrayList<>();
      for (long o = 0; o < n; o++) {
        t.read(o, false);
        order.add(o);
      }
      Collections.shuffle(order, r);
      TreeSet<Long> unacked = new TreeSet<>(order);
      for (int i = 0; i < n; i++) {
        t.ack(order.get(i));
        unacked.remove(order.get(i));
        long expected = unacked.isEmpty() ? n : unacked.first();
        assertEquals(expected, t.commitOffset());
        if (i % 97 == 0) {
          long[] runs = OffsetRuns.decode(expected, t.metadata(1 << 20, whole));
          long doneAbove = 0;
          for (int k = 0; k < runs.length; k += 2) {
            for (long o = runs[k]; o <= runs[k + 1]; o++) {
              assertFalse(unacked.contains(o), "metadata names unacked offset " + o);
              doneAbove++;
            }
          }
          long expectedAbove = unacked.isEmpty() ? 0 : (n - expected) - unacked.size();
          assertEquals(expectedAbove, doneAbove);
        }
      }
    }
  }

  @Test
  void metadataOfAnotherConsumerOrDamagedMetadataSkipsNothing() {
    assertArrayEquals(new long[0], OffsetRuns.decode(0, "some other consumer's note"));
    assertArrayEquals(new long[0], OffsetRuns.decode(0, "fm1:!!!"));
    assertArrayEquals(new long[0], OffsetRuns.decode(0, "fm1:gA"));
    assertArrayEquals(new long[0], OffsetRuns.decode(0, null));
  }
}
