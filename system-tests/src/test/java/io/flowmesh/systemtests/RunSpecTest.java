package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/run-spec.sh running examples/pipelines/three-maps.yaml as real processes: a source, three
 * maps each with its own UDF process, a file sink. A bounded run ends by itself with every message
 * at the sink exactly once, upper-cased by the middle map, and no process left behind; an unbounded
 * one stops on SIGTERM, leaving nothing behind either. And a pipeline file in Numaflow's own shape
 * runs, its image-only UDF pointed at one the test started.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RunSpecTest {

  @Test
  void theThreeMapChainDeliversEveryMessageOnceAndLeavesNoProcessBehind(@TempDir Path dir) throws IOException {
    int count = 3000;
    Path run = dir.resolve("run");
    try (JavaProcess runner = SpecRun.start(dir, "--interval", "1", "--run-dir", run.toString(), "--set", "in:source.count=" + count,
        Project.path("examples/pipelines/three-maps.yaml").toString())) {
      // the run ends by itself once the source has every message acked; it fails only when it stops progressing
      String output = SpecRun.awaitBoundedRun(runner);
      assertTrue(output.contains("run complete: " + count + " produced, " + count + " acked; the sinks wrote: out " + count), output);

      List<String> lines = Files.readAllLines(run.resolve("out.ndjson"), StandardCharsets.UTF_8);
      assertEquals(count, lines.size(), "lines at the sink");
      Set<String> ids = new HashSet<>();
      Pattern line = Pattern.compile("^\\{\"id\":\"([^\"]+)\".*\"value\":\"([^\"]*)\"\\}$");
      for (String l : lines) {
        Matcher m = line.matcher(l);
        assertTrue(m.matches(), l);
        assertTrue(m.group(1).endsWith("/0/0/0"), "one output per input at each of the three maps: " + m.group(1));
        assertEquals(m.group(2).toUpperCase(java.util.Locale.ROOT), m.group(2), "upper-cased by the middle map");
        ids.add(m.group(1));
      }
      assertEquals(count, ids.size(), "every message once");

      List<Long> pids = SpecRun.pids(output);
      assertEquals(9, pids.size(), "5 services, 3 UDF processes and the console:\n" + output);
      assertTrue(Pattern.compile("(?m)^  console +web +http://127\\.0\\.0\\.1:\\d+/ ").matcher(output).find(), "the console's URL:\n" + output);
      SpecRun.assertNoneLeft(output);
      for (String log : List.of("in", "parse", "upper", "tidy", "out", "parse-udf", "upper-udf", "tidy-udf", "console")) {
        assertTrue(Files.isRegularFile(run.resolve(log + ".log")), log + ".log in the run folder");
      }
    }
  }

  @Test
  void sigtermStopsEveryServiceAndUdf(@TempDir Path dir) {
    Path run = dir.resolve("run");
    try (JavaProcess runner = SpecRun.start(dir, "--interval", "1", "--run-dir", run.toString(),
        Project.path("examples/pipelines/three-maps.yaml").toString())) {
      Await.until("messages at the sink", Duration.ofMinutes(3), () -> SpecRun.sinkProgress(runner.logText()) > 0 || !runner.alive(),
          () -> runner.logTail(40));
      assertTrue(runner.alive(), runner.logTail(40));
      List<Long> pids = SpecRun.pids(runner.logText());
      assertEquals(9, pids.size(), "8 processes and the console: " + runner.logText());
      JavaProcess.Stopped stopped = runner.terminate(Duration.ofMinutes(2));
      assertTrue(stopped.inTime(), "the runner stops within 2 minutes of SIGTERM:\n" + runner.logTail(20));
      assertTrue(runner.logText().contains("flowmesh-pipeline: stopped; logs in"), runner.logTail(20));
      SpecRun.assertNoneLeft(runner.logText());
    }
  }

  @Test
  void aPipelineInNumaflowsOwnShapeRunsWithItsImageUdfPointedAtALocalOne(@TempDir Path dir) {
    // the pipeline module's test resource: Numaflow's header, a generator at 5 per second, the UDF only as an image, a log sink
    Path spec = Project.path("pipeline/src/test/resources/numaflow/simple-pipeline.yaml");
    int port = Ports.free();
    int count = 15;
    try (JavaProcess udf = JavaProcess.start("cat-udf", Project.udfJar(), List.of("cat", "--address", "tcp://127.0.0.1:" + port),
        Map.of(), dir)) {
      Await.until("the cat UDF listening", Duration.ofMinutes(2), () -> Ports.listening(port), () -> udf.logTail(20));
      try (JavaProcess runner = SpecRun.start(dir, "--interval", "1", "--run-dir", dir.resolve("run").toString(),
          "--set", "in:source.count=" + count, "--set", "cat:udf.address=tcp://127.0.0.1:" + port, spec.toString())) {
        String output = SpecRun.awaitBoundedRun(runner);
        assertTrue(output.contains("run complete: " + count + " produced, " + count + " acked; the sinks wrote: out " + count), output);
        assertTrue(output.contains("tcp://127.0.0.1:" + port + " (yours, not started here)"), output);
        List<Long> pids = SpecRun.pids(output);
        assertEquals(4, pids.size(), "3 services and the console, no UDF process started:\n" + output);
        SpecRun.assertNoneLeft(output);
      }
      assertTrue(udf.alive(), "the runner leaves a UDF it did not start alone");
    }
  }
}
