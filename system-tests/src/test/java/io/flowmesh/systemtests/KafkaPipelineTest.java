package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in and out with real processes: a real broker ({@link KafkaBrokerFixture}), the source,
 * map and sink jars and the example UDF, the input written and the output read by plain Kafka
 * clients. Every run checks the output record by record ({@link KafkaOutput}): each input there,
 * with the value the map makes of it. The group's committed offsets are the progress measure, so
 * the runs take as long as this machine needs and fail only when they stop moving.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class KafkaPipelineTest {

  @RegisterExtension
  static final KafkaBrokerFixture KAFKA = new KafkaBrokerFixture();

  private static final UnaryOperator<String> UPPERCASE = v -> v.toUpperCase(Locale.ROOT);

  @Test
  void aMillionRecordsThroughUppercaseAllArriveTransformedOnceAndTheGroupCommitsEveryPartitionToItsEnd(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    int count = 1_000_000;
    long t0 = System.nanoTime();
    try (KafkaRun run = KafkaRun.prepare(KAFKA.bootstrap(), "million", count)) {
      long written = System.nanoTime();
      try (Pipeline p = Pipeline.start(dir, "uppercase", run.env(Map.of()))) {
        long started = System.nanoTime();
        run.awaitCommittedToEnd(p);
        long done = System.nanoTime();
        try (KafkaOutput out = run.output(UPPERCASE).catchUp()) {
          out.assertNothingLost();
          assertEquals(0, out.duplicates(), "duplicates in a run without failures");
          System.out.printf("kafka million: %,d records written in %.1f s; pipeline up in %.1f s; all committed %.1f s later"
                  + " (%,.0f msg/s); output read and checked in %.1f s%n", count, (written - t0) / 1e9, (started - written) / 1e9,
              (done - started) / 1e9, count / ((done - started) / 1e9), (System.nanoTime() - done) / 1e9);
        }
      }
    }
  }

  /**
   * The duplicate bound asserted: a kill -9 of the source re-reads from its last commit what the
   * metadata does not name done — at most what was unacked at that commit (per partition at most
   * {@code max-unacked-per-partition} plus the poll batch that reached it, as the partition is
   * paused after it) and what was acked after it (measured: the acks in the last second before the
   * kill; the commit interval is 200 ms). A kill -9 of map re-sends what map held unacked, which
   * the source's per-partition cap bounds the same way.
   */
  @Test
  void killingTheSourceTwiceAndMapOnceLosesNothingDuplicatesStayWithinTheUnackedBoundAndNothingIsCommittedUnwritten(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    int count = 300_000;
    long perKill = (long) KafkaRun.PARTITIONS * (KafkaRun.MAX_UNACKED + KafkaRun.POLL_BATCH);
    long bound = 0;
    long t0 = System.nanoTime();
    try (KafkaRun run = KafkaRun.prepare(KAFKA.bootstrap(), "kills", count);
        Pipeline p = Pipeline.start(dir, "uppercase", run.env(Map.of()));
        KafkaOutput out = run.output(UPPERCASE)) {
      List<String> victims = List.of("source", "map", "source");
      for (int k = 0; k < victims.size(); k++) {
        run.awaitCommitted((long) count * (k + 1) / (victims.size() + 1), p);
        if (victims.get(k).equals("source")) {
          long recentAcks = acksInTheLastSecond(p);
          KafkaRun.kill(p.service(Vertex.SOURCE).process());
          KafkaCommits atKill = run.commits(); // the dead source commits nothing more
          out.catchUp();
          atKill.assertDoneIsWritten(out, run.input(), "after source kill " + (k + 1));
          bound += perKill + recentAcks;
          p.restart(Vertex.SOURCE, Map.of());
        } else {
          KafkaRun.kill(p.service(Vertex.MAP).process());
          bound += perKill;
          p.restart(Vertex.MAP, Map.of());
        }
      }
      run.awaitCommittedToEnd(p);
      out.catchUp();
      out.assertNothingLost();
      System.out.printf("kafka kills: %,d records, source killed twice and map once; %,d duplicates (bound %,d); %.1f s%n", count,
          out.duplicates(), bound, (System.nanoTime() - t0) / 1e9);
      assertTrue(out.duplicates() > 0, "no duplicates at all: the kills hit no record in flight");
      assertTrue(out.duplicates() <= bound, out.duplicates() + " duplicates, over the bound " + bound);
    }
  }

  /** The source's acks over one second, right before a kill. */
  private static long acksInTheLastSecond(Pipeline p) {
    ServiceProcess source = p.service(Vertex.SOURCE);
    long before = source.status().getLong("acked");
    Await.sleep(1000);
    return source.status().getLong("acked") - before;
  }

  /**
   * 2% of the elements take 2 s in the UDF, so acks come back far out of order and each partition's
   * commit point lags behind many acked records, which the metadata carries. After a kill -9 of the
   * source, its restart skips exactly those; a source committing only the highest contiguous
   * offset would read them all again.
   */
  @Test
  void withSkewedLatencyARestartedSourceSkipsWhatTheCommitMetadataSaysWasDone(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
      throws Exception {
    int count = 100_000;
    try (KafkaRun run = KafkaRun.prepare(KAFKA.bootstrap(), "skew", count);
        Pipeline p = Pipeline.start(dir, "latency", List.of("--latency", "98%:0ms,2%:2s", "--seed", "7"), run.env(Map.of()));
        KafkaOutput out = run.output(UnaryOperator.identity())) {
      run.awaitCommitted(count / 3, p);
      KafkaRun.kill(p.service(Vertex.SOURCE).process());
      KafkaCommits atKill = run.commits();
      out.catchUp();
      atKill.assertDoneIsWritten(out, run.input(), "after the source kill");
      long done = 0;
      long contiguous = 0;
      for (int part = 0; part < KafkaRun.PARTITIONS; part++) {
        KafkaCommits.Commit c = atKill.get(part);
        done += c.done();
        contiguous += c.lastDone() + 1 - c.offset();
      }
      ServiceProcess restarted = p.restart(Vertex.SOURCE, Map.of());
      run.awaitCommittedToEnd(p);
      double skipped = MetricsText.parse(restarted.get("/metrics").body()).sum("flowmesh_source_kafka_skipped_total");
      out.catchUp();
      out.assertNothingLost();
      long reread = contiguous - (long) skipped;
      System.out.printf("kafka skew: commit at kill %s; the restarted source skipped %,.0f and re-read %,d of the %,d records between"
          + " the commit points and the last done offsets (a highest-contiguous commit re-reads all %,d); %,d duplicates%n", atKill,
          skipped, reread, contiguous, contiguous, out.duplicates());
      assertTrue(done > 0, "the commit metadata names no record done above the commit points: acks were not out of order " + atKill);
      assertEquals(done, (long) skipped, "records skipped by the restarted source: the done runs of the commit metadata " + atKill);
      assertTrue(reread * 2 < contiguous, "re-read " + reread + " of " + contiguous + ": the metadata should spare over half");
    }
  }
}
