package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a bounded generator run left in the file sink, checked against what the source produced:
 * ids {@code <prefix>-<n>/0} (after a chain of maps {@code /0/0/0}, one {@code /0} a map) for every
 * {@code n} from 0 to {@code count - 1}.
 */
final class RunOutcome {

  private final SinkFile file;
  private final String prefix;
  private final int count;
  private final String idSuffix;

  private RunOutcome(SinkFile file, String prefix, int count, String idSuffix) {
    this.file = file;
    this.prefix = prefix;
    this.count = count;
    this.idSuffix = idSuffix;
  }

  /** Waits until the source reports every message it produced acked end to end. */
  static void awaitComplete(Pipeline p, Duration timeout) {
    awaitComplete(p.service(Vertex.SOURCE), timeout, p::logs);
  }

  /** As {@link #awaitComplete(Pipeline, Duration)} for a source started on its own; {@code logs} explains a failure. */
  static void awaitComplete(ServiceProcess source, Duration timeout, Supplier<String> logs) {
    Await.until("the source to report its bounded run complete", timeout,
        () -> source.status().getBoolean("complete", false), () -> "source status: " + source.get("/status").body()
            + "\n" + logs.get());
  }

  /** Reads the sink file; stop the sink first (or wait for the run to complete). */
  static RunOutcome read(Pipeline p, String prefix, int count) {
    return new RunOutcome(SinkFile.read(p.sinkFile()), prefix, count, SinkFile.ONE_MAP);
  }

  /** As {@link #read(Pipeline, String, int)} for any sink file and ids ending in {@code idSuffix} (one {@code /0} a map). */
  static RunOutcome read(Path sinkFile, String prefix, int count, String idSuffix) {
    return new RunOutcome(SinkFile.read(sinkFile, idSuffix), prefix, count, idSuffix);
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
    SinkFile.assertContiguous(file.counters(prefix), 0, "ids " + prefix + "-<n>" + idSuffix);
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
