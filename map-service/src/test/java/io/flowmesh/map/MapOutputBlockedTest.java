package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapMode;
import io.micrometer.core.instrument.FunctionCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure from downstream as the autoscaler sees it: a subscriber that holds its acks fills
 * {@code map.output-capacity}, dispatch stops, and {@code flowmesh_map_output_blocked_seconds_total}
 * grows while it lasts; once the acks come, the run completes.
 */
class MapOutputBlockedTest {

  private static final int CAPACITY = 20;
  /** Dispatch stops at the capacity; what is in the UDF then still completes, so outputs overshoot by at most this. */
  private static final int CONCURRENCY = 4;

  private final MapHarness harness = new MapHarness();

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void whileDownstreamHoldsItsAcksTheOutputBlockedCounterGrowsAndTheCapacityGaugeSaysWhy() {
    TestSource source = harness.keep(TestSource.counting(200, 0));
    String udfAddress = harness.udf(new Uppercase(), MapMode.UNARY_MAP);
    int edgePort = harness.map(source.port(), udfAddress, "--map.output-capacity=" + CAPACITY, "--map.concurrency=" + CONCURRENCY);
    Launched map = harness.launched();
    HeldDownstream down = harness.keep(new HeldDownstream(edgePort));

    until(() -> down.held() >= CAPACITY, 20_000, () -> "the map to send " + CAPACITY + " outputs; held " + down.held());
    assertEquals(CAPACITY, map.registry().get("flowmesh.map.output.capacity").tag("verticle", "0").gauge().value());
    FunctionCounter blocked = map.registry().get("flowmesh.map.output.blocked").tag("verticle", "0").functionCounter();
    // grows during the block itself (the instance's periodic update), not only when it ends
    until(() -> blocked.count() >= 0.3, 20_000, () -> "flowmesh_map_output_blocked_seconds_total to pass 0.3 s while blocked: "
        + blocked.count());
    int sent = down.held();
    assertTrue(sent <= CAPACITY + CONCURRENCY, "dispatch stopped at the capacity: " + sent + " outputs of 200 sent");

    down.ackAll();
    until(() -> source.acked.size() == 200, 30_000, () -> "every input acked at the source: " + source.acked.size());
  }
}
