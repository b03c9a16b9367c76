package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** scripts/run-local.sh as a user runs it, from another directory: stopped with SIGTERM, or ending a bounded run by itself. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunLocalScriptTest {

  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void helpExitsZeroAndDescribesTheOptions(@TempDir Path dir) {
    try (RunLocalScript s = RunLocalScript.start(dir, Map.of(), "--help")) {
      assertTrue(s.process().waitFor(Duration.ofSeconds(10)), "--help returns");
      assertEquals(0, s.process().process().exitValue());
      for (String word : List.of("--udf", "--free-ports", "FLOWMESH_UDF_ADDRESS", "FLOWMESH_SOURCE_RATE=1000", "Ctrl-C",
          "run complete: N produced, N acked", "--keep-running", "sink-data.ndjson", "FLOWMESH_SINK_MAX_FILE_BYTES=64MiB")) {
        assertTrue(s.output().contains(word), "--help mentions " + word + ":\n" + s.output());
      }
    }
  }

  @Test
  void anUnknownOptionExitsWithStatus2AndSaysWhy(@TempDir Path dir) {
    try (RunLocalScript s = RunLocalScript.start(dir, Map.of(), "--no-such-option")) {
      assertTrue(s.process().waitFor(Duration.ofSeconds(10)));
      assertEquals(2, s.process().process().exitValue());
      assertTrue(s.output().contains("unknown option '--no-such-option'"), s.output());
    }
  }

  @Test
  void itRefusesToStartWhenAPortItWouldUseIsTakenRatherThanPollAStranger(@TempDir Path dir) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(taken.getLocalPort());
      try (RunLocalScript s = RunLocalScript.start(dir, Map.of("FLOWMESH_MAP_HTTP_PORT", port), "--free-ports")) {
        assertTrue(s.process().waitFor(Duration.ofSeconds(10)), "exits at once");
        assertEquals(2, s.process().process().exitValue());
        assertTrue(s.output().contains("port " + port + " (FLOWMESH_MAP_HTTP_PORT) is in use"), s.output());
        assertTrue(s.children().isEmpty(), "started nothing");
      }
    }
  }

  @Test
  void runsThePipelineOnFreePortsWithTheCallersFlowmeshVariablesAndLeavesNothingBehindOnSigterm(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = Map.of(
        "FLOWMESH_SOURCE_RATE", "2000", // the script's own default is 1000; unbounded: it runs until SIGTERM
        "FLOWMESH_SINK_TYPE", "file",
        "FLOWMESH_SINK_PATH", "out.ndjson"); // relative: to the caller's directory
    RunLocalScript s = RunLocalScript.start(dir, env, "--free-ports", "--interval", "1");
    try {
      s.awaitRunning(START);
      Map<String, String> endpoints = s.endpoints();
      assertEquals(List.of("source", "map", "sink"), List.copyOf(endpoints.keySet()), s.output());
      for (Map.Entry<String, String> e : endpoints.entrySet()) {
        for (String path : List.of("/livez", "/readyz", "/metrics", "/status")) {
          assertTrue(s.output().contains(e.getValue() + path), "prints " + e.getValue() + path);
          assertEquals(200, Http.status(e.getValue() + path), e.getKey() + path);
        }
      }
      JsonObject config = Http.get(endpoints.get("source") + "/status").json().getJsonObject("config");
      assertEquals("2000", config.getString("source.rate"), "the caller's FLOWMESH_SOURCE_RATE wins over the script's default");
      for (String service : endpoints.keySet()) { // the script's fresh edge token reached every service, masked in /status
        assertEquals("***", Http.get(endpoints.get(service) + "/status").json().getJsonObject("config").getString("edge.token"), service);
      }
      assertEquals("file", Http.get(endpoints.get("sink") + "/status").json().getString("type"));
      Path out = dir.resolve("out.ndjson");
      Await.until("2000 lines in " + out, Duration.ofSeconds(30), () -> SinkFile.countLines(out) >= 2000, s::output);
      s.process().awaitLog("| last: {\"id\":", Duration.ofSeconds(10)); // a progress line, with a sample of the data

      List<ProcessHandle> children = s.children();
      assertEquals(4, children.stream().filter(p -> RunLocalScript.commandLine(p).contains(".jar")).count(),
          "UDF, source, map and sink: " + children.stream().map(RunLocalScript::commandLine).toList());
      List<Integer> ports = s.ports();
      assertEquals(6, ports.size(), "3 HTTP, 2 edges, 1 UDF port: " + ports);
      assertTrue(ports.stream().noneMatch(p -> List.of(7001, 7002, 8081, 8082, 8083, 50051).contains(p)), "free, not default: " + ports);

      JavaProcess.Stopped stopped = s.process().terminate(Duration.ofSeconds(60));
      assertTrue(stopped.inTime(), "the script stops within 60 s of SIGTERM");
      assertEquals(0, stopped.exitCode(), s.output());
      assertTrue(s.output().contains("run-local: stopped"), s.output());
      assertFalse(s.output().contains("run complete"), "an unbounded run is never complete:\n" + s.output());
      SinkFile written = SinkFile.read(out);
      assertEquals(written.lines(), written.distinctIds(), "each message once");
      assertTrue(written.values().values().stream().allMatch(v -> v.equals(v.toUpperCase())), "uppercase is the default UDF");
      for (ProcessHandle p : children) {
        assertFalse(p.isAlive(), "left running: " + RunLocalScript.commandLine(p));
      }
      for (int port : ports) {
        assertFalse(Ports.listening(port), "port " + port + " still open");
      }
      assertTrue(Files.isRegularFile(s.runFolder().resolve("sink.log")), "logs in the run folder " + s.runFolder());
    } finally {
      s.close();
      deleteRunFolder(s);
    }
  }

  /**
   * The default sink: the messages in {@code sink-data.ndjson} in the run folder, none in any log;
   * the script says the run is complete with the source's counts, stops everything and exits 0.
   */
  @Test
  void aBoundedRunEndsByItselfSayingItIsCompleteWithTheDataInItsOwnFileAndNoneInTheLogs(@TempDir Path dir)
      throws IOException {
    int count = 4500;
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_COUNT", Integer.toString(count), "FLOWMESH_SOURCE_RATE", "1500");
    RunLocalScript s = RunLocalScript.start(dir, env, "--free-ports", "--interval", "1");
    try {
      s.awaitRunning(START);
      List<ProcessHandle> children = s.children();
      assertTrue(s.process().waitFor(Duration.ofSeconds(60)), "the script ends by itself:\n" + s.output());
      assertEquals(0, s.process().process().exitValue(), s.output());
      assertTrue(s.output().contains("run complete: " + count + " produced, " + count + " acked"), s.output());
      assertTrue(s.output().contains("run-local: stopped"), s.output());
      assertTrue(s.output().contains("| last: {\"id\":"), "a progress line shows a sample of the data:\n" + s.output());
      for (ProcessHandle p : children) {
        assertFalse(p.isAlive(), "left running: " + RunLocalScript.commandLine(p));
      }

      Path run = s.runFolder();
      Path data = run.resolve("sink-data.ndjson");
      assertTrue(s.output().contains("messages: " + data), s.output());
      SinkFile written = SinkFile.read(data);
      assertEquals(count, written.lines(), "one line per message in " + data);
      assertEquals(count, written.distinctIds());
      List<String> ids = List.copyOf(written.values().keySet());
      for (String log : List.of("source.log", "map.log", "sink.log", "udf.log")) {
        String text = Files.readString(run.resolve(log));
        assertTrue(text.lines().noneMatch(l -> l.contains("\"event_time\"") || l.startsWith("id=")), log + " holds data lines");
        for (String id : List.of(ids.get(0), ids.get(ids.size() / 2), ids.get(ids.size() - 1))) {
          assertFalse(text.contains(id + "\""), log + " mentions message " + id);
        }
      }
    } finally {
      s.close();
      deleteRunFolder(s);
    }
  }

  /**
   * The SDK kinds, each started by the script's one start_sdk (the transformer, the udsink) or as
   * the UDF (--stream-map): a bounded run goes through all of them to its end, the udsink's file
   * holds the data, and the SDK processes, which do not exit on SIGTERM, are killed soon after.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void theSdkKindsFlagsStartEachSdkExampleAndABoundedRunThroughThemEnds(@TempDir Path dir) throws IOException {
    int count = 1500;
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_COUNT", Integer.toString(count), "FLOWMESH_SOURCE_RATE", "1500",
        "JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
    RunLocalScript s = RunLocalScript.start(dir, env, "--free-ports", "--interval", "1", "--transformer", "--udsink", "--stream-map");
    try {
      s.awaitRunning(Duration.ofSeconds(180));
      List<ProcessHandle> children = s.children();
      List<String> commands = children.stream().map(RunLocalScript::commandLine).toList();
      for (String sub : List.of("numaflow-sdk-udf.jar source-transformer --port", "numaflow-sdk-udf.jar udsink --port",
          "numaflow-sdk-udf.jar stream-map --address tcp://127.0.0.1:")) {
        assertTrue(commands.stream().anyMatch(c -> c.contains(sub)), "started " + sub + ": " + commands);
      }
      assertTrue(s.process().waitFor(Duration.ofSeconds(90)), "the script ends by itself:\n" + s.output());
      assertEquals(0, s.process().process().exitValue(), s.output());
      assertTrue(s.output().contains("run complete: " + count + " produced, " + count + " acked"), s.output());
      for (ProcessHandle p : children) {
        assertFalse(p.isAlive(), "left running: " + RunLocalScript.commandLine(p));
      }
      Path run = s.runFolder();
      for (String log : List.of("udf.log", "transformer.log", "udsink.log")) {
        assertTrue(Files.readString(run.resolve(log)).contains(" listening on "), log + " says where it listened");
      }
      assertTrue(Files.readAllLines(run.resolve("udsink.txt")).size() > 0, "the SDK udsink wrote the data");
    } finally {
      s.close();
      deleteRunFolder(s);
    }
  }

  @Test
  void withFlowmeshUdfAddressItStartsNoExampleUdfAndMapUsesThatUdfOverAUnixSocket(@TempDir Path dir) throws IOException {
    Path socket = dir.resolve("udf.sock");
    String address = "unix://" + socket;
    try (JavaProcess mine = JavaProcess.start("my-udf", Project.udfJar(), List.of("cat", "--address", address), Map.of(), dir)) {
      mine.awaitLog("listening on", START);
      Map<String, String> env = Map.of(
          "FLOWMESH_UDF_ADDRESS", address,
          "FLOWMESH_SOURCE_COUNT", "2000",
          "FLOWMESH_SINK_TYPE", "file",
          "FLOWMESH_SINK_PATH", dir.resolve("out.ndjson").toString());
      RunLocalScript s = RunLocalScript.start(dir, env, "--free-ports", "--udf", "uppercase");
      try {
        s.awaitRunning(START);
        assertTrue(s.output().contains("using your UDF at " + address), s.output());
        List<String> commands = s.children().stream().map(RunLocalScript::commandLine).toList();
        assertTrue(commands.stream().noneMatch(c -> c.contains("flowmesh-udf.jar")), "started an example UDF: " + commands);
        Path out = dir.resolve("out.ndjson");
        Await.until("2000 lines", Duration.ofSeconds(30), () -> SinkFile.countLines(out) >= 2000, s::output);
        SinkFile written = SinkFile.read(out);
        assertTrue(written.values().values().stream().anyMatch(v -> !v.equals(v.toUpperCase())),
            "values passed through 'cat' (mine), not upper-cased");
        JavaProcess.Stopped stopped = s.process().terminate(Duration.ofSeconds(60));
        assertEquals(0, stopped.exitCode(), s.output());
        assertTrue(mine.alive(), "the script must not stop a UDF it did not start");
      } finally {
        s.close();
        deleteRunFolder(s);
      }
    }
  }

  @Test
  void aSecondSigtermKillsEverythingWhileTheFirstIsStillDraining(@TempDir Path dir) {
    Map<String, String> env = Map.of(
        "FLOWMESH_SINK_TYPE", "blackhole",
        "FLOWMESH_SINK_THROTTLE", "20", // a slow sink: the source cannot drain quickly
        "FLOWMESH_SHUTDOWN_TIMEOUT", "60s");
    RunLocalScript s = RunLocalScript.start(dir, env, "--free-ports", "--interval", "0");
    try {
      s.awaitRunning(START);
      Await.sleep(1500); // let unacked messages pile up behind the throttled sink
      List<ProcessHandle> children = s.children();
      s.process().process().destroy();
      s.process().awaitLog("stopping (source, then map", Duration.ofSeconds(10));
      Await.sleep(1000);
      assertTrue(s.process().alive(), "still draining after the first SIGTERM:\n" + s.output());
      long start = System.nanoTime();
      s.process().process().destroy();
      assertTrue(s.process().waitFor(Duration.ofSeconds(10)), "the second SIGTERM ends the script at once");
      System.out.printf("second SIGTERM: script gone after %d ms%n", (System.nanoTime() - start) / 1_000_000);
      assertTrue(s.output().contains("killing everything"), s.output());
      Await.until("every child gone", Duration.ofSeconds(5), () -> children.stream().noneMatch(ProcessHandle::isAlive),
          () -> children.stream().filter(ProcessHandle::isAlive).map(RunLocalScript::commandLine).toList().toString());
    } finally {
      s.close();
      deleteRunFolder(s);
    }
  }

  /**
   * A terminal's Ctrl-C reaches every process of its foreground group, so a short command the
   * script runs in the foreground (an {@code rm}, a {@code $(...)}) may die of it too, with status
   * 130. The script must still stop the services in order and exit 0, not end there and kill them.
   * A stand-in {@code rm} that takes a second holds the progress loop in such a command when the
   * signal comes.
   */
  @Test
  void aCtrlCToTheWholeGroupStopsTheServicesInOrderEvenWhenItKillsACommandOfTheScript(@TempDir Path dir)
      throws IOException, InterruptedException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(RunLocalScript.PYTHON),
        RunLocalScript.PYTHON + " is missing: it starts the script with SIGINT at its default, as a terminal does");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path slowRm = bin.resolve("rm");
    Files.writeString(slowRm, "#!/bin/bash\nsleep 1\nexec /bin/rm \"$@\"\n");
    slowRm.toFile().setExecutable(true);
    Map<String, String> env = Map.of(
        "PATH", bin + ":" + System.getenv("PATH"),
        "FLOWMESH_SINK_TYPE", "file",
        "FLOWMESH_SINK_PATH", "out.ndjson");
    RunLocalScript s = RunLocalScript.startInOwnGroup(dir, env, "--free-ports", "--interval", "1");
    try {
      s.awaitRunning(START);
      List<ProcessHandle> children = s.children();
      Await.until("the progress loop in the slow rm", Duration.ofSeconds(30),
          () -> s.children().stream().anyMatch(p -> RunLocalScript.commandLine(p).contains(slowRm.toString())), s::output);
      s.interruptGroup();
      assertTrue(s.process().waitFor(Duration.ofSeconds(60)), "the script stops within 60 s of Ctrl-C:\n" + s.output());
      assertEquals(0, s.process().process().exitValue(), s.output());
      assertTrue(s.output().contains("run-local: stopping (source, then map"), s.output());
      assertTrue(s.output().contains("run-local: stopped"), s.output());
      assertFalse(s.output().contains("Killed"), "no service killed:\n" + s.output());
      for (ProcessHandle p : children) {
        assertFalse(p.isAlive(), "left running: " + RunLocalScript.commandLine(p));
      }
      SinkFile written = SinkFile.read(dir.resolve("out.ndjson"));
      assertTrue(written.lines() > 0, "the sink wrote before the stop");
    } finally {
      s.close();
      deleteRunFolder(s);
    }
  }

  private static void deleteRunFolder(RunLocalScript s) {
    Path run = s.runFolder();
    if (run == null || !run.startsWith(Project.path(".run"))) {
      return;
    }
    try (Stream<Path> files = Files.walk(run)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      Path latest = Project.path(".run/latest");
      if (Files.isSymbolicLink(latest) && Files.readSymbolicLink(latest).equals(run.getFileName())) {
        Files.delete(latest);
      }
    } catch (IOException e) {
      // left for the user to see; .run/ is ignored by git
    }
  }
}
