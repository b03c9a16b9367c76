package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka source replicas sharing a consumer group, and the broker going away, with real processes
 * (see {@link KafkaPipelineTest}). The broker-outage test restarts the class's broker, so it runs last.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaGroupTest {

  @RegisterExtension
  static final KafkaBrokerFixture KAFKA = new KafkaBrokerFixture();

  private static final UnaryOperator<String> UPPERCASE = v -> v.toUpperCase(Locale.ROOT);
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  /** A replica's JVM and its consumer's first contact with the group: minutes on a machine loaded many times over. */
  private static final Duration REPLICA_START = Duration.ofSeconds(180);

  /**
   * Source replicas A and B in one group, map subscribed to both and to C's address. The input is
   * written in three parts so that each phase has records to read however fast this machine is:
   * the first read by A and B; the second written once C has joined and been given partitions,
   * and C is stopped (SIGTERM) as soon as it has sent some of them — its partitions go back to A
   * and B through the revoke, which commits what C had done; the third written after C left.
   */
  @Test
  @Order(1)
  void twoSourceReplicasAndAThirdJoiningAndLeavingMidRunLoseNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
      throws Exception {
    int part = 60_000;
    int[] ports = Ports.free(5); // edge ports of A, B, C; HTTP ports of B, C
    Map<String, String> extra = Map.of("FLOWMESH_SOURCE_EDGE_PORT", Integer.toString(ports[0]),
        "FLOWMESH_MAP_UPSTREAM", "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2]);
    long t0 = System.nanoTime();
    try (KafkaRun run = KafkaRun.prepare(KAFKA.bootstrap(), "replicas", part);
        Pipeline p = Pipeline.start(dir, "uppercase", run.env(extra));
        ServiceProcess b = replica(p, "source-b", ports[3], ports[1], dir);
        KafkaOutput out = run.output(UPPERCASE)) {
      b.awaitReady(REPLICA_START);
      run.awaitCommitted(part / 2, p);
      long cProduced;
      ServiceProcess left;
      try (ServiceProcess c = replica(p, "source-c", ports[4], ports[2], dir)) {
        c.awaitReady(REPLICA_START);
        Await.until("replica C to be given partitions", REPLICA_START, () -> !c.status().getJsonArray("partitions").isEmpty(),
            () -> c.process().logTail(20));
        run.input().append(part);
        Await.whileProgressing("replica C to send records", KafkaRun.STALL, () -> c.status().getLong("produced") > 0,
            () -> run.commits().total(), () -> c.process().logTail(20));
        cProduced = c.status().getLong("produced");
        left = c;
        JavaProcess.Stopped stopped = c.process().terminate(Pipeline.SHUTDOWN_TIMEOUT.plusSeconds(20));
        assertTrue(stopped.inTime(), "replica C did not stop after SIGTERM\n" + c.process().logTail(20));
      }
      run.input().append(part);
      run.awaitCommittedToEnd(p, b, left); // C's log tail too, for a failure
      long aProduced = p.service(Vertex.SOURCE).status().getLong("produced");
      long bProduced = b.status().getLong("produced");
      out.catchUp();
      out.assertNothingLost();
      System.out.printf("kafka replicas: %,d records; A sent %,d, B %,d, C (joined and left) %,d; %,d duplicates; %.1f s%n",
          run.input().count(), aProduced, bProduced, cProduced, out.duplicates(), (System.nanoTime() - t0) / 1e9);
      assertTrue(aProduced > 0 && bProduced > 0, "both replicas read partitions: A " + aProduced + ", B " + bProduced);
    }
  }

  /** A second source process in the pipeline's group, on its own ports. */
  private static ServiceProcess replica(Pipeline p, String name, int httpPort, int edgePort, Path dir) {
    Map<String, String> env = new HashMap<>(p.env());
    env.put("FLOWMESH_SOURCE_HTTP_PORT", Integer.toString(httpPort));
    env.put("FLOWMESH_SOURCE_EDGE_PORT", Integer.toString(edgePort));
    return ServiceProcess.start(Vertex.SOURCE, name, env, dir);
  }

  @Test
  @Order(2)
  void theBrokerStoppedForTenSecondsMidRunMakesTheSourceUnreadyNamingItThenTheRunResumesAndLosesNothing(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    int count = 200_000;
    long t0 = System.nanoTime();
    try (KafkaRun run = KafkaRun.prepare(KAFKA.bootstrap(), "outage", count);
        Pipeline p = Pipeline.start(dir, "uppercase", run.env(Map.of()))) {
      run.awaitCommitted(count / 3, p);
      ServiceProcess source = p.service(Vertex.SOURCE);
      KAFKA.broker().stop();
      long stoppedAt = System.nanoTime();
      Http.Response[] last = new Http.Response[1];
      try {
        Await.until("the source's /readyz to answer 503 naming the broker", OUTAGE.plusSeconds(20), () -> {
          last[0] = source.get("/readyz");
          return last[0].status() == 503 && last[0].body().contains(KAFKA.bootstrap());
        }, () -> "last /readyz: " + last[0] + "\n" + p.logs());
        long notReadyAfter = System.nanoTime() - stoppedAt;
        long left = OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000;
        if (left > 0) {
          Await.sleep(left); // the broker stays away for OUTAGE in all
        }
        System.out.printf("kafka outage: /readyz 503 %.1f s after the broker stopped: %s%n", notReadyAfter / 1e9, last[0].body());
      } finally {
        KAFKA.broker().start();
      }
      long restartedAt = System.nanoTime();
      long committedAtRestart = run.commits().total();
      source.awaitReady(Duration.ofSeconds(90));
      run.awaitCommittedToEnd(p);
      double after = (System.nanoTime() - restartedAt) / 1e9;
      try (KafkaOutput out = run.output(UPPERCASE).catchUp()) {
        out.assertNothingLost();
        System.out.printf("kafka outage: %,d records, broker stopped %d s mid-run; after its restart the last %,d committed in %.1f s"
                + " (%,.0f msg/s); %,d duplicates; %.1f s%n", count, OUTAGE.toSeconds(), count - committedAtRestart, after,
            (count - committedAtRestart) / after, out.duplicates(), (System.nanoTime() - t0) / 1e9);
      }
      assertEquals(200, source.get("/readyz").status(), "the source is ready again");
    }
  }
}
