package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The deadline queue alone: lanes and the heap yield live requests in deadline order; done ones are dropped. */
class DeadlinesTest {

  private static Waiter waiter(long timeoutMillis, long deadlineNanos) {
    Waiter w = new Waiter(Waiter.Mode.ASYNC, 1, timeoutMillis, null);
    w.deadlineNanos = deadlineNanos;
    return w;
  }

  @Test
  void liveRequestsComeOutInDeadlineOrderAcrossLanesAndTheHeapAndDoneOnesNever() {
    Random random = new Random(18);
    Deadlines d = new Deadlines();
    List<Waiter> live = new ArrayList<>();
    long now = Long.MAX_VALUE - 5_000_000_000L; // deadlines wrap past Long.MAX_VALUE: compared by difference
    for (int i = 0; i < 5_000; i++) {
      now += random.nextInt(1_000);
      long timeout = 1 + random.nextInt(3 * Deadlines.LANES); // more distinct timeouts than lanes
      Waiter w = waiter(timeout, now + timeout * 1_000_000);
      d.add(w);
      if (random.nextInt(3) == 0) {
        w.done = true;
        d.trim();
      } else {
        live.add(w);
      }
      if (i == 2_500) {
        d.compact();
        assertEquals(live.size(), d.size(), "compact keeps the live ones only");
      }
    }
    live.sort(Comparator.comparingLong(w -> w.deadlineNanos - Long.MAX_VALUE));
    long first = live.get(0).deadlineNanos;
    assertNull(d.pollExpired(first - 1), "nothing is due before the earliest deadline");
    List<Waiter> out = new ArrayList<>();
    long last = live.get(live.size() - 1).deadlineNanos;
    for (Waiter w = d.pollExpired(last); w != null; w = d.pollExpired(last)) {
      assertFalse(w.done, "a done request came out");
      out.add(w);
    }
    assertEquals(live.size(), out.size());
    for (int i = 1; i < out.size(); i++) {
      assertTrue(out.get(i).deadlineNanos - out.get(i - 1).deadlineNanos >= 0, "out of order at " + i);
    }
    assertEquals(0, d.size());
    assertNull(d.head());
  }

  @Test
  void requestsAnsweredInOrderAreDroppedAsTheyAreAnswered() {
    Deadlines d = new Deadlines();
    List<Waiter> ws = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Waiter w = waiter(20_000, i);
      d.add(w);
      ws.add(w);
    }
    Waiter head = ws.get(0);
    for (int i = 1; i < ws.size(); i++) {
      ws.get(i).done = true;
      d.trim();
    }
    assertEquals(1_000, d.size(), "behind a live head the done ones wait (until compact)");
    head.done = true;
    d.trim();
    assertEquals(0, d.size(), "the live head answered: all dropped at once");
  }
}
