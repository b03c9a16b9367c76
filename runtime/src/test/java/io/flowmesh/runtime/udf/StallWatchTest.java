package io.flowmesh.runtime.udf;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watch is driven by the times given to it, so these checks need no clock. */
class StallWatchTest {

  private static final long SECOND = 1_000_000_000L;

  private final UdfHealth health = new UdfHealth("udsource", "source.v1", UdfAddress.parse("tcp://127.0.0.1:1"),
      "source.udsource.address");
  private final StallWatch watch = new StallWatch(health, Duration.ofSeconds(2));
  private final List<String> restarts = new ArrayList<>();

  @Test
  void silenceWithWorkInFlightIsAStallThatRestartsUntilAResponse() {
    watch.onBusy(0);
    watch.check(SECOND, 5, "message", (reason, now) -> restarts.add(reason));
    assertFalse(watch.stalled());
    watch.check(2 * SECOND, 5, "message", (reason, now) -> restarts.add(reason));
    assertTrue(watch.stalled());
    assertEquals(List.of("no response for PT2S with 5 message(s) in flight"), restarts);
    assertTrue(health.problem().startsWith("udsource stalled: no response for PT2S"), health.problem());
    watch.check(3 * SECOND, 5, "message", (reason, now) -> restarts.add(reason));
    assertEquals(1, restarts.size(), "not again before another stall timeout of silence");
    watch.check(4 * SECOND, 5, "message", (reason, now) -> restarts.add(reason));
    assertEquals(2, restarts.size());
    assertEquals(1, watch.stalls(), "one stall, restarted twice");
    watch.onResponse(4 * SECOND + 1);
    health.answered();
    assertFalse(watch.stalled());
    assertNull(health.problem());
  }

  @Test
  void nothingInFlightEndsAStall() {
    watch.onBusy(0);
    watch.check(3 * SECOND, 1, "element", (reason, now) -> restarts.add(reason));
    assertTrue(watch.stalled());
    watch.check(4 * SECOND, 0, "element", (reason, now) -> restarts.add(reason));
    assertFalse(watch.stalled());
    assertNull(health.problem());
  }

  @Test
  void aUdfThatCannotBeReachedIsReportedUnreachableNotStalled() {
    watch.onBusy(0);
    health.unreachable("connection refused");
    for (int s = 1; s <= 10; s++) {
      watch.check(s * SECOND, 500, "element", (reason, now) -> restarts.add(reason));
    }
    assertFalse(watch.stalled(), "held work, but nothing was sent to a UDF that refuses connections");
    assertEquals(List.of(), restarts);
    assertTrue(health.problem().startsWith("udsource at tcp://127.0.0.1:1 unreachable: connection refused"), health.problem());
    health.reachable(); // back: from now on its silence counts
    watch.check(11 * SECOND, 500, "element", (reason, now) -> restarts.add(reason));
    assertFalse(watch.stalled());
    watch.check(13 * SECOND, 500, "element", (reason, now) -> restarts.add(reason));
    assertTrue(watch.stalled(), "silent for the stall timeout once reachable again");
  }
}
