package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

/**
 * What a bounded generator run left in the file sink, checked against what the source produced:
 * ids {@code <prefix>-<n>/0} for every {@code n} from 0 to {@code count - 1}.
 */
final class RunOutcome {

  private final SinkFile file;
  private final String prefix;
  private final int count;

  private RunOutcome(SinkFile file, String prefix, int count) {
    this.file = file;
    this.prefix = prefix;
    this.count = count;
  }

  /** Waits until the source reports every message it produced acked end to end. */
  static void awaitComplete(Pipeline p, Duration timeout) {
    ServiceProcess source = p.service(Vertex.SOURCE);
    Await.until("the source to report its bounded run complete", timeout,
        () -> source.status().getBoolean("complete", false), () -> "source status: " + source.get("/status").body()
            + "\n" + p.logs());
  }

  /** Reads the sink file; stop the sink first (or wait for the run to complete). */
  static RunOutcome read(Pipeline p, String prefix, int count) {
    return new RunOutcome(SinkFile.read(p.sinkFile()), prefix, count);
  }

  long lines() {
    return file.lines();
  }

  int distinct() {
    return file.distinctIds();
  }

  /** Lines beyond the first of each id. */
  long duplicates() {
    return file.lines() - file.distinctIds();
  }

  /** Every id the source produced is in the file, and no other id. */
  void assertNothingLost() {
    assertEquals(List.of(prefix), file.prefixes(), "id prefixes in the sink file (one source run)");
    SinkFile.assertContiguous(file.counters(prefix), 0, "ids " + prefix + "-<n>/0");
    assertEquals(count - 1, file.counters(prefix).last(), "the highest id");
    assertEquals(count, file.distinctIds(), "distinct ids");
  }

  void assertNoDuplicates() {
    assertEquals(count, file.lines(), "lines (every id once): duplicated ids, e.g. "
        + file.duplicates().entrySet().stream().limit(5).toList());
  }

  /** At most {@code bound} lines beyond one per id. */
  void assertDuplicatesAtMost(long bound, String why) {
    assertTrue(duplicates() <= bound, duplicates() + " duplicates, more than " + bound + " (" + why + ")");
  }
}
