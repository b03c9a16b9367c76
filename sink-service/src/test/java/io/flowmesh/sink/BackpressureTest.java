package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generator as fast as credit allows, feeding a sink throttled to 2,000 messages/s. */
class BackpressureTest {

  private static final int QUEUE = 1000;
  private static final int INPUT = 500;
  private static final int MAX_UNACKED = 1000;
  private static final int RATE = 2000;

  private final Pipeline pipeline = new Pipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void aSinkSlowerThanTheSourceSlowsItAndKeepsEveryBufferWithinItsBound(@TempDir Path dir) throws Exception {
    Launched source = pipeline.source("--source.queue-capacity=" + QUEUE, "--source.msg-size=200");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=" + dir.resolve("out.ndjson"),
        "--sink.fsync=true", "--sink.throttle=" + RATE,
        "--edge.input-capacity=" + INPUT, "--edge.max-unacked=" + MAX_UNACKED);
    until(() -> Pipeline.status(sink).getLong("written") > 0, 10_000, () -> "the sink to write something");
    long ackedBefore = Pipeline.status(source).getLong("acked");
    long start = System.nanoTime();
    long maxQueued = 0;
    long maxAhead = 0;
    long maxBuffered = 0;
    long maxTaken = 0;
    while (System.nanoTime() - start < 3_000_000_000L) {
      JsonObject src = Pipeline.status(source);
      JsonObject snk = Pipeline.status(sink).getJsonArray("instances").getJsonObject(0);
      maxQueued = Math.max(maxQueued, src.getJsonObject("edge").getLong("queued"));
      maxAhead = Math.max(maxAhead, src.getLong("produced") - src.getLong("acked"));
      for (Object e : snk.getJsonArray("edges")) {
        maxBuffered = Math.max(maxBuffered, ((JsonObject) e).getLong("buffered"));
      }
      maxTaken = Math.max(maxTaken, snk.getLong("pending") + snk.getLong("writing"));
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject src = Pipeline.status(source);
    long produced = src.getLong("produced");
    long acked = src.getLong("acked");
    assertTrue(maxQueued <= QUEUE, "source queue reached " + maxQueued + " > capacity " + QUEUE);
    assertTrue(maxBuffered <= INPUT, "sink input buffer reached " + maxBuffered + " > " + INPUT);
    assertTrue(maxTaken <= MAX_UNACKED, "sink held " + maxTaken + " messages for writing > max-unacked " + MAX_UNACKED);
    assertTrue(maxAhead <= QUEUE + INPUT + MAX_UNACKED, "the source ran " + maxAhead + " messages ahead of the acks");
    double ackRate = (acked - ackedBefore) / seconds;
    assertTrue(produced <= acked + QUEUE + INPUT + MAX_UNACKED, "produced " + produced + " vs acked " + acked);
    assertTrue(ackRate < RATE * 1.3, "the sink acked " + ackRate + "/s, faster than its throttle of " + RATE);
    assertTrue(ackRate > RATE * 0.3, "the sink acked only " + ackRate + "/s: the pipeline stalled");
    System.out.printf("backpressure: produced=%d acked=%d maxAhead=%d maxQueued=%d maxBuffered=%d maxTaken=%d%n",
        produced, acked, maxAhead, maxQueued, maxBuffered, maxTaken);
  }
}
