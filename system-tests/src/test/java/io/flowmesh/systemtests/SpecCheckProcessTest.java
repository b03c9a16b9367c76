package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/run-spec.sh with bad setting values and an unknown builtin UDF: refused by the real
 * services' and UDF jar's {@code --check} before anything starts, in {@code --dry-run},
 * {@code --render} and a run, every problem of every vertex at once, exit status 2.
 */
class SpecCheckProcessTest {

  private static final String BAD = """
      metadata: {name: bad}
      spec:
        vertices:
          - name: in
            source: {generator: {rpu: 100}}
            settings: {source.count: lots, source.msg-size: -5}
          - name: up
            udf: {builtin: {name: upcase}}
            settings: {map.concurrency: -3, udf.timeout: soon}
          - name: out
            sink: {log: {}}
            settings: {sink.max-file-bytes: lots}
        edges:
          - {from: in, to: up}
          - {from: up, to: out}
      """;

  private static final List<String> PROBLEMS = List.of(
      "  vertex 'in': source.msg-size='-5': allowed is an integer from 0 to 1073741824",
      "  vertex 'in': source.count='lots': allowed is an integer from 1 to 9223372036854775807",
      "  vertex 'up': udf.timeout='soon': allowed is a duration from 1ms to 24h (a number and a unit: us, ms, s, m, h)",
      "  vertex 'up': map.concurrency='-3': allowed is auto, or an integer from 1 to 100000",
      "  vertex 'out': sink.max-file-bytes='lots': allowed is a size such as 512, 64KiB, 4MiB or 1GiB",
      "  vertex 'up': udf.builtin: flowmesh-udf: unknown UDF 'upcase' (the examples: cat, uppercase, flatmap, filter,"
          + " latency, faulty, even-odd, words)");

  @TempDir
  Path dir;

  private List<String> refused(String name, String... args) {
    try (JavaProcess p = SpecRun.start(dir.resolve(name), args)) {
      assertTrue(p.waitFor(Duration.ofSeconds(120)), () -> p.logTail(20));
      assertEquals(2, p.process().exitValue(), p::logText);
      return p.logText().lines().toList();
    }
  }

  @Test
  void badValuesAndAnUnknownBuiltinAreAllRefusedBeforeAnythingStarts() throws IOException {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, BAD);
    for (String mode : List.of("dry-run", "render", "run")) {
      Files.createDirectories(dir.resolve(mode));
      Path runDir = dir.resolve(mode).resolve("run");
      List<String> lines = switch (mode) {
        case "dry-run" -> refused(mode, "--dry-run", spec.toString());
        case "render" -> refused(mode, "--render", "compose", spec.toString());
        default -> refused(mode, "--no-console", "--run-dir", runDir.toString(), spec.toString());
      };
      assertTrue(lines.contains("flowmesh-pipeline: " + spec + ": 6 problems:"), mode + ": " + lines);
      for (String p : PROBLEMS) {
        assertTrue(lines.contains(p), mode + ": no line '" + p + "' in " + lines);
      }
      assertFalse(lines.stream().anyMatch(l -> l.contains("starting") || l.contains("(pid ")), mode + ": " + lines);
      assertFalse(Files.exists(runDir), mode + ": a refused run leaves no run folder");
    }
  }
}
