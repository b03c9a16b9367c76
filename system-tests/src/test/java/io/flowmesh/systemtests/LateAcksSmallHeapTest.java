package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A map vertex with the JVM options it ships with ({@code map-service/jvm.options}: a 40 MB heap)
 * whose downstream is a second map with a UDF that takes 2 s over one element in 50: the first
 * map's outputs are acked out of order, one in fifty 2 s late. Each output's value is a slice of
 * the frame that brought its UDF's answers (~30 of them); before outputs that wait long for their
 * ack were detached from their frames, each late one kept its frame-mates' 2 KB values alive with
 * it, and the first map ran its old generation full: hundreds of full collections a run, back to
 * back (~27 a second), each leaving ~30 of its 33 MB.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LateAcksSmallHeapTest {

  private static final int COUNT = 150_000;
  /** The serial collector's old generation, as its bean names it. */
  private static final Map<String, String> FULL_COLLECTIONS = Map.of("gc", "MarkSweepCompact");

  @Test
  void aFortyMegabyteMapWhoseOutputsTheNextMapAcksOneInFiftyTwoSecondsLateRunsWithoutBackToBackFullCollections(
      @TempDir Path dir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT));
    env.put("FLOWMESH_SOURCE_MSG_SIZE", "2000");
    env.put("FLOWMESH_SINK_TYPE", "blackhole");
    env.put("MALLOC_ARENA_MAX", "2");
    List<List<String>> udfs = List.of(List.of("cat"), List.of("latency", "--latency", "98%:1ms,2%:2s", "--seed", "3"));
    List<List<String>> jvm = List.of(List.of("@" + Project.path("map-service/jvm.options")), JavaProcess.JVM_OPTIONS);
    try (Chain c = Chain.start(dir, List.of("prep", "infer"), udfs, jvm, env)) {
      double before = metrics(c.map(0)).sum("jvm_gc_pause_seconds_count", FULL_COLLECTIONS);
      RunOutcome.awaitComplete(c.source(), Duration.ofSeconds(180), c::logs);
      assertEquals(COUNT, c.source().status().getLong("acked"), "messages acked at the source");
      PromText.Parsed prep = metrics(c.map(0));
      assertTrue(prep.has("jvm_gc_pause_seconds_count", FULL_COLLECTIONS), "prep's metrics count no serial full collections");
      double full = prep.sum("jvm_gc_pause_seconds_count", FULL_COLLECTIONS) - before;
      double detached = prep.sum("flowmesh_edge_detached_total");
      // ~2 % of prep's outputs waited 2 s for infer's ack while their neighbours were acked: each was copied once,
      // and those that only waited in infer's input buffer with their neighbours were not
      System.out.println("LateAcksSmallHeapTest: prep copied " + (long) detached + " of " + COUNT + " outputs, ran " + (long) full
          + " full collections");
      assertTrue(detached >= COUNT / 100 && detached <= COUNT / 10, "outputs detached from their frames: " + detached);
      // what is left live is ~1,000 late outputs of 2 KB: the old generation fills slowly, if at all, in a run this long
      assertTrue(full <= 20, "full collections of prep during the run: " + full + "\n" + c.logs());
    }
  }

  private static PromText.Parsed metrics(ServiceProcess s) {
    return MetricsText.parse(s.get("/metrics").body());
  }
}
