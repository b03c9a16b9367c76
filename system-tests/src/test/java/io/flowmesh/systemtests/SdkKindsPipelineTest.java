package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SDK kind on the data path at once, each written with Numaflow's official Java SDK 0.9.2
 * and run as its own process: a user-defined source (TCP) → a source transformer (Unix socket,
 * dropping one record in ten) → map in stream-map mode (TCP, one result per four characters) → a
 * user-defined sink (Unix socket) answering FAILURE for 1% of the pieces (first attempt only) and
 * FALLBACK for another 1%, with a file as the fallback sink. The run arrives complete: every piece
 * of every record the transformer kept, once, in the SDK sink's file or (the FALLBACK ones) the
 * fallback file, reassembled in order; none of the dropped ones; the sink's counts add up exactly;
 * and the SDK source has every offset acked, the dropped ones included.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SdkKindsPipelineTest {

  private static final Path SDK_JAR = Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");
  private static final Pattern ACKED = Pattern.compile("acked (\\d+) of (\\d+)");
  private static final int COUNT = 5000;
  private static final String DROP = "^record-[0-9]*7$";
  /** Shares of the pieces the SDK sink answers FAILURE (first attempt only) and FALLBACK. */
  private static final double FAILURE = 0.01;
  private static final double FALLBACK = 0.01;

  @Test
  void udsourceThroughTransformerAndStreamMapIntoUdsinkArrivesComplete(@TempDir Path dir) {
    int sourcePort = Ports.free();
    Path state = dir.resolve("source-state");
    Path transformerSocket = dir.resolve("sourcetransform.sock");
    Path sinkSocket = dir.resolve("sink.sock");
    Path out = dir.resolve("udsink.txt");
    Path fallback = dir.resolve("fallback.ndjson");
    List<JavaProcess> sdk = new ArrayList<>();
    try {
      sdk.add(start(dir, "sdk-source", List.of("source", "--records", String.valueOf(COUNT), "--state", state.toString(),
          "--port", String.valueOf(sourcePort))));
      sdk.add(start(dir, "sdk-transformer", List.of("source-transformer", "--socket", transformerSocket.toString(),
          "--drop", DROP)));
      sdk.add(start(dir, "sdk-sink", List.of("udsink", "--out", out.toString(), "--socket", sinkSocket.toString(),
          "--failure-fraction", String.valueOf(FAILURE), "--fallback-fraction", String.valueOf(FALLBACK))));
      Map<String, String> env = new HashMap<>(Map.of(
          "FLOWMESH_SOURCE_TYPE", "udsource",
          "FLOWMESH_SOURCE_UDSOURCE_ADDRESS", "tcp://127.0.0.1:" + sourcePort,
          "FLOWMESH_SOURCE_TRANSFORMER_ENABLED", "true",
          "FLOWMESH_SOURCE_TRANSFORMER_ADDRESS", "unix://" + transformerSocket,
          "FLOWMESH_MAP_MODE", "stream-map",
          "FLOWMESH_SINK_TYPE", "udsink",
          "FLOWMESH_SINK_UDSINK_ADDRESS", "unix://" + sinkSocket,
          "FLOWMESH_SINK_RETRY_INITIAL_BACKOFF", "10ms",
          "FLOWMESH_SINK_FALLBACK_TYPE", "file",
          "FLOWMESH_SINK_FALLBACK_PATH", fallback.toString()));
      try (Pipeline p = Pipeline.startWithUdfJar(dir, SDK_JAR, "stream-map", List.of("--chunk", "4"), env)) {
        Await.until("the SDK source to have all " + COUNT + " offsets acked", Duration.ofSeconds(180),
            () -> acked(state) == COUNT, () -> p.logs() + "\nsource state: " + read(state));

        // The pieces: in the SDK sink's file (id<TAB>value), or, answered FALLBACK, in the fallback file.
        Map<String, TreeMap<Integer, String>> pieces = new HashMap<>();
        int lines = 0;
        int expectFailed = 0;
        int expectFallback = 0;
        for (String line : read(out).lines().toList()) {
          int tab = line.indexOf('\t');
          assertTrue(tab > 0, "a line of the SDK sink's file: " + line);
          String id = line.substring(0, tab);
          double share = UdSinkProcessTest.share(id);
          assertTrue(share < FAILURE || share >= FAILURE + FALLBACK, "answered FALLBACK, yet in the SDK sink's file: " + id);
          expectFailed += share < FAILURE ? 1 : 0;
          addPiece(pieces, id, line.substring(tab + 1));
          lines++;
        }
        SinkFile fallbackFile = SinkFile.read(fallback);
        Map<String, String> fellBack = fallbackFile.values();
        assertEquals(fellBack.size(), fallbackFile.lines(), "each piece once in the fallback file");
        for (Map.Entry<String, String> e : fellBack.entrySet()) {
          double share = UdSinkProcessTest.share(e.getKey());
          assertTrue(share >= FAILURE && share < FAILURE + FALLBACK, "in the fallback file, yet not answered FALLBACK: " + e.getKey());
          expectFallback++;
          addPiece(pieces, e.getKey(), e.getValue());
          lines++;
        }
        List<String> expected = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < COUNT; i++) {
          if (!("record-" + i).matches(DROP)) {
            expected.add("record-" + i);
            kept++;
          }
        }
        List<String> got = new ArrayList<>();
        pieces.values().forEach(ps -> got.add(String.join("", ps.values())));
        got.sort(null);
        expected.sort(null);
        assertEquals(kept, got.size(), "records in the SDK sink's file (" + (COUNT - kept) + " of " + COUNT + " dropped by the transformer)");
        assertEquals(expected, got, "the records reassembled from their pieces");
        assertTrue(lines > kept * 2, "stream-map split each record into several pieces: " + lines + " lines");
        assertTrue(expectFailed > 20 && expectFallback > 20, "the fractions pick pieces: failed=" + expectFailed
            + " fallback=" + expectFallback);
        PromText.Parsed m = MetricsText.parse(p.service(Vertex.SINK).get("/metrics").body());
        assertEquals(expectFailed, UdSinkProcessTest.outcome(m, "failed"), "FAILURE answers, once each: each succeeded on its retry");
        assertEquals(expectFallback, UdSinkProcessTest.outcome(m, "fallback"), "FALLBACK answers written to the fallback file");
        assertEquals(lines, m.sum("flowmesh_sink_messages_total"), "every piece done once: written by the SDK sink or the fallback");
      }
    } finally {
      sdk.forEach(JavaProcess::close);
    }
  }

  /** Adds the piece {@code id} ({@code <record>/<n>}) of its record; a piece written twice fails the test. */
  private static void addPiece(Map<String, TreeMap<Integer, String>> pieces, String id, String value) {
    int slash = id.lastIndexOf('/');
    assertTrue(slash > 0, "a piece's id: " + id);
    String input = id.substring(0, slash);
    int piece = Integer.parseInt(id.substring(slash + 1));
    String before = pieces.computeIfAbsent(input, k -> new TreeMap<>()).put(piece, value);
    assertEquals(null, before, "piece " + piece + " of " + input + " written twice");
  }

  private static JavaProcess start(Path dir, String name, List<String> args) {
    JavaProcess p = JavaProcess.start(name, SDK_JAR, args, Map.of(), dir);
    p.awaitLog("listening on", Pipeline.START_TIMEOUT);
    return p;
  }

  private static long acked(Path state) {
    Matcher m = ACKED.matcher(read(state));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
