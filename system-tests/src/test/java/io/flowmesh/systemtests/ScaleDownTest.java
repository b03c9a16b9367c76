package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling a vertex down while data flows, as Kubernetes does it: SIGTERM to one of two replicas.
 * The replica stops taking input, finishes, forwards and acks what it took, and exits within
 * {@code shutdown.timeout}; what it had not taken goes back upstream and through the other
 * replica. The sink dedupe window is off, so a message handled twice would show in the file.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ScaleDownTest {

  private static final int COUNT = 16_000;
  /** Long enough for the second replica's JVM to join on a loaded machine before the SIGTERM. */
  private static final Duration JOIN = Duration.ofSeconds(90);
  private static final Duration STALL = Duration.ofSeconds(60);
  /**
   * The services' {@code shutdown.timeout} here: on a machine loaded many times over, the UDF
   * alone can hold hundreds of elements for seconds at the SIGTERM, and the drain waits for them.
   */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void aMapReplicaGivenSigtermMidRunDrainsAndExitsInTimeAndTheOtherTakesOverWithNothingLostOrRepeated(@TempDir Path dir)
      throws IOException {
    int[] ports = Ports.free(4); // source edge, map A edge, map B http, map B edge
    Map<String, String> env = new LinkedHashMap<>(Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "400",
        "FLOWMESH_SOURCE_ID_PREFIX", "scale",
        "FLOWMESH_SINK_DEDUPE_WINDOW", "0",
        "FLOWMESH_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s",
        "FLOWMESH_SOURCE_EDGE_PORT", String.valueOf(ports[0]),
        "FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + ports[0],
        "FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[1]),
        "FLOWMESH_SINK_UPSTREAM", "127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[3]));
    Path bDir = Files.createDirectories(dir.resolve("map-b"));
    // every element 50 ms in the UDF: at 400/s some twenty are in flight at any moment
    try (Pipeline p = Pipeline.launch(dir, "latency", List.of("--latency", "100%:50ms"), env)) {
      Map<String, String> bEnv = new LinkedHashMap<>(p.env());
      bEnv.put("FLOWMESH_MAP_HTTP_PORT", String.valueOf(ports[2]));
      bEnv.put("FLOWMESH_MAP_EDGE_PORT", String.valueOf(ports[3]));
      try (ServiceProcess b = ServiceProcess.start(Vertex.MAP, "map-b", bEnv, bDir)) {
        ServiceProcess a = p.service(Vertex.MAP);
        ServiceProcess source = p.service(Vertex.SOURCE);
        awaitReady(p, b);
        Await.until("both map replicas to take input", JOIN, () -> sum(a, "elementsIn") > 0 && sum(b, "elementsIn") > 0,
            () -> b.process().logTail(20) + "\n" + p.logs());
        long producedBefore = source.status().getLong("produced");
        long bBefore = sum(b, "elementsIn");
        assertTrue(producedBefore < COUNT * 3 / 4, "the SIGTERM comes with a quarter of the run still to come: " + producedBefore + " of " + COUNT + " produced");

        String stop = stop(a, p);
        Drain drain = Drain.of(a.process());
        assertEquals(drain.takenAtStart(), drain.taken(), "map A took no input once it began to drain:\n" + drain.lines());
        assertEquals(drain.taken(), drain.acked(), "map A forwarded and acked everything it took:\n" + drain.lines());
        assertTrue(drain.inFlightAtStart() > 0, "map A had elements in the UDF when it began to drain:\n" + drain.lines());

        Await.whileProgressing("the source to have every message acked", STALL,
            () -> source.status().getBoolean("complete", false), () -> source.status().getLong("acked"), p::logs);
        JsonObject s = source.status();
        assertEquals(COUNT, s.getLong("produced"), "produced");
        assertEquals(COUNT, s.getLong("acked"), "acked end to end");
        assertEquals(0.0, MetricsText.parse(source.get("/metrics").body()).sum("flowmesh_edge_unacked"),
            "the source holds nothing unacked");
        long bAfter = sum(b, "elementsIn");
        assertTrue(bAfter > bBefore, "map B took input after the SIGTERM");
        assertEquals(COUNT, drain.taken() + bAfter, "each message was taken by exactly one replica: A " + drain.taken()
            + " + B " + bAfter);

        SinkFile out = SinkFile.read(p.sinkFile());
        SinkFile.assertContiguous(out.counters("scale"), 0, "ids scale-<n>/0");
        assertEquals(COUNT, out.counters("scale").size(), "every id in the sink file");
        assertTrue(out.duplicates().isEmpty(), "a drained replica makes no duplicates: " + out.duplicates().size());
        System.out.printf("scale-down map: %s; %,d produced before the SIGTERM; map A took %,d (%,d in the UDF at the SIGTERM),"
            + " B %,d before and %,d after%n", stop, producedBefore, drain.taken(), drain.inFlightAtStart(), bBefore, bAfter - bBefore);
      }
    }
  }

  @Test
  void aSinkReplicaGivenSigtermMidRunWritesAndAcksWhatItTookAndTheOtherWritesTheRest(@TempDir Path dir) throws IOException {
    int[] ports = Ports.free(1); // sink B http
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_COUNT", String.valueOf(COUNT),
        "FLOWMESH_SOURCE_RATE", "400",
        "FLOWMESH_SOURCE_ID_PREFIX", "sinks",
        "FLOWMESH_SINK_DEDUPE_WINDOW", "0",
        "FLOWMESH_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s",
        // sink A writes slowly, so its input buffer holds a backlog at the SIGTERM that must go to B
        "FLOWMESH_SINK_THROTTLE", "100");
    Path bDir = Files.createDirectories(dir.resolve("sink-b"));
    try (Pipeline p = Pipeline.launch(dir, "cat", List.of(), env)) {
      Map<String, String> bEnv = new LinkedHashMap<>(p.env());
      bEnv.put("FLOWMESH_SINK_HTTP_PORT", String.valueOf(ports[0]));
      bEnv.put("FLOWMESH_SINK_PATH", bDir.resolve("out.ndjson").toString());
      bEnv.remove("FLOWMESH_SINK_THROTTLE");
      try (ServiceProcess b = ServiceProcess.start(Vertex.SINK, "sink-b", bEnv, bDir)) {
        ServiceProcess a = p.service(Vertex.SINK);
        ServiceProcess source = p.service(Vertex.SOURCE);
        ServiceProcess map = p.service(Vertex.MAP);
        awaitReady(p, b);
        Await.until("both sink replicas to write", JOIN, () -> written(a) > 0 && written(b) > 0,
            () -> b.process().logTail(20) + "\n" + p.logs());
        Await.until("sink A to hold a backlog", Duration.ofSeconds(30), () -> buffered(a) > 0, p::logs);
        long producedBefore = source.status().getLong("produced");
        long bBefore = written(b);
        double redeliveredBefore = MetricsText.parse(map.get("/metrics").body()).sum("flowmesh_edge_redelivered_total");
        assertTrue(producedBefore < COUNT * 3 / 4, "the SIGTERM comes with a quarter of the run still to come: " + producedBefore + " of " + COUNT + " produced");

        String stop = stop(a, p);
        String aLog = a.process().logText();
        assertFalse(aLog.contains("stop timed out"), "sink A finished its writes:\n" + a.process().logTail(20));

        Await.whileProgressing("the source to have every message acked", STALL,
            () -> source.status().getBoolean("complete", false), () -> source.status().getLong("acked"), p::logs);
        JsonObject s = source.status();
        assertEquals(COUNT, s.getLong("produced"), "produced");
        assertEquals(COUNT, s.getLong("acked"), "acked end to end");
        PromText.Parsed mapMetrics = MetricsText.parse(map.get("/metrics").body());
        assertEquals(0.0, mapMetrics.sum("flowmesh_edge_unacked"), "the map holds nothing unacked");
        double redelivered = mapMetrics.sum("flowmesh_edge_redelivered_total") - redeliveredBefore;
        assertTrue(redelivered > 0, "sink A's backlog went back to the map and on to sink B");
        assertTrue(written(b) - bBefore >= COUNT - producedBefore, "sink B wrote everything produced after the SIGTERM");

        SinkFile outA = SinkFile.read(p.sinkFile());
        SinkFile outB = SinkFile.read(bDir.resolve("out.ndjson"));
        TreeSet<Long> all = new TreeSet<>(outA.counters("sinks"));
        all.addAll(outB.counters("sinks"));
        SinkFile.assertContiguous(all, 0, "ids sinks-<n>/0 in the two files");
        assertEquals(COUNT, all.size(), "every id in one of the files");
        assertEquals(COUNT, outA.lines() + outB.lines(), "each id written once: A " + outA.lines() + " + B " + outB.lines()
            + " lines for " + COUNT + " ids");
        System.out.printf("scale-down sink: %s; %,d produced before the SIGTERM; A wrote %,d, B %,d; map redelivered %,.0f%n",
            stop, producedBefore, outA.lines(), outB.lines(), redelivered);
      }
    }
  }

  /** SIGTERM; asserts the exit within {@link #SHUTDOWN_TIMEOUT} with 143 (the JVM's code after SIGTERM) or 0. */
  private static String stop(ServiceProcess replica, Pipeline p) {
    JavaProcess.Stopped s = replica.process().terminate(SHUTDOWN_TIMEOUT.plusSeconds(20));
    assertTrue(s.inTime() && s.took().compareTo(SHUTDOWN_TIMEOUT) < 0, replica.vertex() + " A took " + s.took().toMillis()
        + " ms to exit after SIGTERM; shutdown.timeout is " + SHUTDOWN_TIMEOUT + "\n" + p.logs());
    assertTrue(s.exitCode() == 143 || s.exitCode() == 0, replica.vertex() + " A exit code " + s.exitCode() + "\n" + p.logs());
    return replica.vertex() + " A exited " + s.exitCode() + " after " + s.took().toMillis() + " ms";
  }

  /** Both replicas start together, as a scaled Deployment's pods do; waits until all services are ready. */
  private static void awaitReady(Pipeline p, ServiceProcess second) {
    for (Vertex v : Vertex.values()) {
      p.service(v).awaitReady(JOIN);
    }
    second.awaitReady(JOIN);
  }

  private static final Pattern DRAINING = Pattern.compile("map instance=(\\d+) draining elementsIn=(\\d+) unfinished=\\d+ inFlight=(\\d+)");
  private static final Pattern DRAINED = Pattern.compile("map instance=(\\d+) drained elementsIn=(\\d+) acked=(\\d+) unfinished=(\\d+)");

  /** What a map replica's drain lines say, summed over its instances; fails unless every instance drained to 0 unfinished. */
  record Drain(long takenAtStart, long inFlightAtStart, long taken, long acked, String lines) {

    static Drain of(JavaProcess map) {
      String log = map.logText();
      String lines = String.join("\n", log.lines().filter(l -> l.contains(" drain")).toList());
      long takenAtStart = 0;
      long inFlight = 0;
      int starts = 0;
      for (Matcher m = DRAINING.matcher(log); m.find(); starts++) {
        takenAtStart += Long.parseLong(m.group(2));
        inFlight += Long.parseLong(m.group(3));
      }
      long taken = 0;
      long acked = 0;
      int ends = 0;
      for (Matcher m = DRAINED.matcher(log); m.find(); ends++) {
        taken += Long.parseLong(m.group(2));
        acked += Long.parseLong(m.group(3));
        assertEquals("0", m.group(4), "unfinished after the drain:\n" + lines);
      }
      assertTrue(starts > 0 && starts == ends, "every instance of " + map.name() + " logged its drain:\n" + map.logTail(20));
      return new Drain(takenAtStart, inFlight, taken, acked, lines);
    }
  }

  /** The sum of a numeric field over a map replica's instances in {@code /status}. */
  private static long sum(ServiceProcess map, String field) {
    JsonArray instances = map.status().getJsonArray("instances");
    long n = 0;
    for (int i = 0; i < instances.size(); i++) {
      n += instances.getJsonObject(i).getLong(field, 0L);
    }
    return n;
  }

  private static long written(ServiceProcess sink) {
    return sink.status().getLong("written", 0L);
  }

  /** Messages in a sink replica's input buffers. */
  private static long buffered(ServiceProcess sink) {
    JsonArray instances = sink.status().getJsonArray("instances");
    long n = 0;
    for (int i = 0; i < instances.size(); i++) {
      JsonArray edges = instances.getJsonObject(i).getJsonArray("edges");
      for (int j = 0; j < edges.size(); j++) {
        n += edges.getJsonObject(j).getLong("buffered", 0L);
      }
    }
    return n;
  }
}
