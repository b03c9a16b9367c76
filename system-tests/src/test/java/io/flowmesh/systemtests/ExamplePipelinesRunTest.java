package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each example of examples/pipelines/ run as written through scripts/run-spec.sh, as real
 * processes, with its generators bounded by {@code --set <source>:source.count=N}; then what each
 * sink got is checked id by id. three-maps.yaml is RunSpecTest's. The Kafka example runs against a
 * real broker ({@link KafkaBrokerFixture}), its brokers pointed there by {@code --set}, its topics
 * and group as the file names them; it is unbounded, so it is stopped once the output topic holds
 * every input record.
 *
 * <p>No process fails in these runs and nothing is redelivered, so every sink holds each id once.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExamplePipelinesRunTest {

  @RegisterExtension
  static final KafkaBrokerFixture KAFKA = new KafkaBrokerFixture();

  private static String example(String name) {
    return Project.path("examples/pipelines/" + name).toString();
  }

  /** Runs a bounded example; its output, after checking the runner's closing line. */
  private static String runBounded(Path dir, String spec, long produced, String sinksWrote, String... sets) {
    List<String> args = new java.util.ArrayList<>(List.of("--interval", "1", "--run-dir", dir.resolve("run").toString()));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    args.add(example(spec));
    try (JavaProcess runner = SpecRun.start(dir, args.toArray(String[]::new))) {
      String output = SpecRun.awaitBoundedRun(runner);
      assertTrue(output.contains("run complete: " + produced + " produced, " + produced + " acked; the sinks wrote: " + sinksWrote),
          output);
      SpecRun.assertNoneLeft(output);
      return output;
    }
  }

  /** The one id prefix in a sink file (one generator). */
  private static String onlyPrefix(SinkFile file, String what) {
    List<String> prefixes = file.prefixes();
    assertEquals(1, prefixes.size(), "id prefixes in " + what + ": " + prefixes);
    return prefixes.get(0);
  }

  @Test
  void theDefaultPipelineUpperCasesEveryMessageOnce(@TempDir Path dir) {
    int count = 2_000;
    runBounded(dir, "default.yaml", count, "out " + count, "in:source.count=" + count);
    SinkFile out = SinkFile.read(dir.resolve("run/sink-data.ndjson"), SinkFile.ONE_MAP);
    String prefix = onlyPrefix(out, "sink-data.ndjson");
    SinkFile.assertContiguous(out.counters(prefix), 0, "ids at the sink");
    assertEquals(count, out.distinctIds(), "distinct ids");
    assertEquals(count, out.lines(), "lines (no duplicates)");
    out.values().forEach((id, v) -> assertEquals(v.toUpperCase(Locale.ROOT), v, id + " upper-cased by the map"));
  }

  @Test
  void evenOddSendsEachMessageToTheSinkOfItsTagOnly(@TempDir Path dir) {
    int count = 1_000;
    String output = runBounded(dir, "even-odd.yaml", count, "even-sink ", "in:source.count=" + count);
    SinkFile even = SinkFile.read(dir.resolve("run/even.ndjson"), SinkFile.ONE_MAP);
    SinkFile odd = SinkFile.read(dir.resolve("run/odd.ndjson"), SinkFile.ONE_MAP);
    assertTrue(output.contains("the sinks wrote: even-sink " + even.lines() + ", odd-sink " + odd.lines()), output);
    for (SinkFile f : List.of(even, odd)) {
      int parity = f == even ? 0 : 1;
      String sink = parity == 0 ? "even-sink" : "odd-sink";
      assertTrue(f.lines() > 0, sink + " got nothing");
      assertEquals(f.distinctIds(), f.lines(), "lines in " + sink + " (no duplicates)");
      f.values().forEach((id, v) -> assertEquals(parity, v.charAt(v.length() - 1) & 1,
          id + " in " + sink + ": its value '" + v + "' ends in a byte of the other parity (the UDF's tag)"));
    }
    Set<String> all = new HashSet<>(even.values().keySet());
    all.addAll(odd.values().keySet());
    assertEquals(count, all.size(), "ids over both sinks: each message went to one of them, none to both");
    assertEquals(count, even.lines() + odd.lines(), "lines over both sinks");
    String prefix = onlyPrefix(even, "even.ndjson");
    java.util.TreeSet<Long> counters = new java.util.TreeSet<>(even.counters(prefix));
    counters.addAll(odd.counters(prefix));
    SinkFile.assertContiguous(counters, 0, "ids over both sinks");
    assertEquals(count - 1, counters.last(), "the last id");
  }

  @Test
  void theJoinDeliversBothSourcesCompletely(@TempDir Path dir) {
    int fast = 600;
    int slow = 60;
    runBounded(dir, "join.yaml", fast + slow, "out " + (fast + slow), "fast:source.count=" + fast, "slow:source.count=" + slow);
    SinkFile out = SinkFile.read(dir.resolve("run/out.ndjson"), SinkFile.ONE_MAP);
    assertEquals(List.of("fast", "slow"), out.prefixes(), "id prefixes at the sink");
    SinkFile.assertContiguous(out.counters("fast"), 0, "ids of source fast");
    SinkFile.assertContiguous(out.counters("slow"), 0, "ids of source slow");
    assertEquals(fast - 1, out.counters("fast").last());
    assertEquals(slow - 1, out.counters("slow").last());
    assertEquals(fast + slow, out.lines(), "lines (no duplicates)");
  }

  @Test
  void theKafkaExampleUpperCasesEveryRecordOfTopicInIntoTopicOut(@TempDir Path dir) throws Exception {
    int count = 2_000;
    String bootstrap = KAFKA.bootstrap();
    // the topics and group kafka.yaml names; 4 partitions as scripts/kafka-local.sh makes them in its comment
    KafkaInput input = KafkaInput.create(bootstrap, "in", 4).append(count);
    try (Topics admin = new Topics(bootstrap)) {
      admin.create("out", 4);
      try (JavaProcess runner = SpecRun.start(dir, "--interval", "1", "--run-dir", dir.resolve("run").toString(),
          "--set", "in:source.kafka.bootstrap-servers=" + bootstrap, "--set", "out:sink.kafka.bootstrap-servers=" + bootstrap,
          example("kafka.yaml"));
          KafkaOutput out = KafkaOutput.open(bootstrap, "out", input, v -> v.toUpperCase(Locale.ROOT))) {
        Await.whileProgressing("every input record in topic out", Duration.ofSeconds(150),
            () -> {
              if (!runner.alive()) {
                throw new AssertionError("the runner exited:\n" + runner.logTail(40));
              }
              return out.catchUp().distinct() == count;
            }, () -> {
              // while it starts, the runner's output grows; then the records in topic out
              String log = runner.logText();
              return log.contains("Ctrl-C stops") ? out.distinct() : log.length();
            }, () -> runner.logTail(40) + "\n" + out.missing());
        Await.until("group flowmesh committed at the end of every partition of topic in", Duration.ofSeconds(60),
            () -> KafkaCommits.read(admin, "flowmesh", input).atEnd(input), () -> KafkaCommits.read(admin, "flowmesh", input).toString());
        out.catchUp();
        out.assertNothingLost();
        assertEquals(0, out.duplicates(), "duplicates in a run without failures");
        JavaProcess.Stopped stopped = runner.terminate(Duration.ofMinutes(2));
        assertTrue(stopped.inTime(), "the runner stops within 2 minutes of SIGTERM:\n" + runner.logTail(20));
        SpecRun.assertNoneLeft(runner.logText());
      }
    }
  }
}
