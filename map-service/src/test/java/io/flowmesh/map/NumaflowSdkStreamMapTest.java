package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK 0.9.2 {@code MapStreamer} of {@code examples/numaflow-sdk-udf} (one result per word)
 * behind map-service in stream-map mode, as a child JVM over TCP and a Unix socket: every word
 * arrives exactly once under its derived id {@code m<i>/<j>}, and a kill -9 of the UDF mid-run
 * loses nothing and doubles nothing.
 */
class NumaflowSdkStreamMapTest {

  private static final int N = 1500;

  @TempDir
  Path dir;
  private final InJvmPipeline pipeline = new InJvmPipeline();

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
  }

  /** Element i has i % 4 words: "w{i}x0 w{i}x1 ..."; element 0, 4, 8, ... has none (an empty value). */
  private static String text(long i) {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < i % 4; j++) {
      b.append(j == 0 ? "" : (j % 2 == 0 ? "  " : " ")).append('w').append(i).append('x').append(j);
    }
    return b.toString();
  }

  private static Map<String, String> expectedOutputs() {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < i % 4; j++) {
        out.put("m" + i + "/" + j, "w" + i + "x" + j);
      }
    }
    return out;
  }

  private void start(String address, String... mapArgs) {
    String[] args = new String[mapArgs.length + 2];
    args[0] = "--map.concurrency=64";
    args[1] = "--map.ordering=none";
    System.arraycopy(mapArgs, 0, args, 2, mapArgs.length);
    pipeline.start(new TestSource(N, i -> ByteString.copyFromUtf8(text(i)), 0), address, args);
  }

  private void assertEveryWordArrivedOnce() {
    Map<String, String> expected = expectedOutputs();
    pipeline.awaitAllAcked(N, 120_000);
    until(() -> pipeline.sink.byId.size() >= expected.size(), 10_000,
        () -> "sink got " + pipeline.sink.byId.size() + " of " + expected.size() + " words");
    Map<String, String> got = new HashMap<>();
    pipeline.sink.byId.forEach((id, m) -> got.put(id, m.getValue().toStringUtf8()));
    assertEquals(expected.size(), got.size(), "words at the sink");
    assertEquals(expected, got, "each word under its derived id");
    assertEquals(0, pipeline.sink.duplicates.get(), "words that reached the sink twice");
    assertEquals("stream-map", pipeline.instanceStatus().getString("mode"));
  }

  @Test
  void anSdkMapStreamerOverTcpSendsEveryWordOnce() throws Exception {
    int port = PortFinder.freePort();
    pipeline.keep(NumaflowSdkUdfProcess.start(dir, "stream-map", "--port", Integer.toString(port)));
    start("tcp://127.0.0.1:" + port, "--map.mode=stream-map");
    assertEveryWordArrivedOnce();
  }

  @Test
  void anSdkMapStreamerOnAUnixSocketIsRunInStreamModeBecauseItsServerInfoFileSaysSo() throws Exception {
    Path socket = dir.resolve("mapstream.sock");
    Path info = dir.resolve("mapper-server-info");
    pipeline.keep(NumaflowSdkUdfProcess.start(dir, "stream-map", "--socket", socket.toString(),
        "--server-info-file", info.toString(), "--delay-ms", "1"));
    start("unix://" + socket, "--udf.server-info-file=" + info);
    assertEveryWordArrivedOnce();
  }

  @Test
  void killingTheSdkMapStreamerMidRunLosesNoWordAndDoublesNone() throws Exception {
    int port = PortFinder.freePort();
    NumaflowSdkUdfProcess first = pipeline.keep(NumaflowSdkUdfProcess.start(dir, "stream-map", "--port",
        Integer.toString(port), "--delay-ms", "2"));
    start("tcp://127.0.0.1:" + port, "--map.mode=stream-map", "--udf.timeout=30s");
    until(() -> pipeline.sink.byId.size() >= 200, 120_000, () -> "sink got " + pipeline.sink.byId.size() + " words");
    first.close(); // SIGKILL, mid-element: some ids have sent part of their words
    assertTrue(pipeline.sink.byId.size() < expectedOutputs().size(), "the UDF was killed before the run ended");
    pipeline.keep(NumaflowSdkUdfProcess.start(dir, "stream-map", "--port", Integer.toString(port), "--delay-ms", "2"));
    assertEveryWordArrivedOnce();
  }
}
