package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * user-defined sink (Unix socket). The run arrives complete: every piece of every record the
 * transformer kept, once, reassembled in order; none of the dropped ones; and the SDK source has
 * every offset acked, the dropped ones included.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SdkKindsPipelineTest {

  private static final Path SDK_JAR = Project.path("examples/numaflow-sdk-udf/target/numaflow-sdk-udf.jar");
  private static final Pattern ACKED = Pattern.compile("acked (\\d+) of (\\d+)");
  private static final int COUNT = 5000;
  private static final String DROP = "^record-[0-9]*7$";

  @Test
  void udsourceThroughTransformerAndStreamMapIntoUdsinkArrivesComplete(@TempDir Path dir) {
    int sourcePort = Ports.free();
    Path state = dir.resolve("source-state");
    Path transformerSocket = dir.resolve("sourcetransform.sock");
    Path sinkSocket = dir.resolve("sink.sock");
    Path out = dir.resolve("udsink.txt");
    List<JavaProcess> sdk = new ArrayList<>();
    try {
      sdk.add(start(dir, "sdk-source", List.of("source", "--records", String.valueOf(COUNT), "--state", state.toString(),
          "--port", String.valueOf(sourcePort))));
      sdk.add(start(dir, "sdk-transformer", List.of("source-transformer", "--socket", transformerSocket.toString(),
          "--drop", DROP)));
      sdk.add(start(dir, "sdk-sink", List.of("udsink", "--out", out.toString(), "--socket", sinkSocket.toString())));
      Map<String, String> env = new HashMap<>(Map.of(
          "FLOWMESH_SOURCE_TYPE", "udsource",
          "FLOWMESH_SOURCE_UDSOURCE_ADDRESS", "tcp://127.0.0.1:" + sourcePort,
          "FLOWMESH_SOURCE_TRANSFORMER_ENABLED", "true",
          "FLOWMESH_SOURCE_TRANSFORMER_ADDRESS", "unix://" + transformerSocket,
          "FLOWMESH_MAP_MODE", "stream-map",
          "FLOWMESH_SINK_TYPE", "udsink",
          "FLOWMESH_SINK_UDSINK_ADDRESS", "unix://" + sinkSocket));
      try (Pipeline p = Pipeline.startWithUdfJar(dir, SDK_JAR, "stream-map", List.of("--chunk", "4"), env)) {
        Await.until("the SDK source to have all " + COUNT + " offsets acked", Duration.ofSeconds(180),
            () -> acked(state) == COUNT, () -> p.logs() + "\nsource state: " + read(state));

        Map<String, TreeMap<Integer, String>> pieces = new HashMap<>();
        int lines = 0;
        for (String line : read(out).lines().toList()) {
          int tab = line.indexOf('\t');
          int slash = line.lastIndexOf('/', tab);
          assertTrue(tab > 0 && slash > 0, "a line of the SDK sink's file: " + line);
          String input = line.substring(0, slash);
          int piece = Integer.parseInt(line.substring(slash + 1, tab));
          String before = pieces.computeIfAbsent(input, k -> new TreeMap<>()).put(piece, line.substring(tab + 1));
          assertEquals(null, before, "piece " + piece + " of " + input + " written twice");
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
      }
    } finally {
      sdk.forEach(JavaProcess::close);
    }
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
