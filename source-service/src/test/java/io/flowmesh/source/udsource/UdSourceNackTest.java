package io.flowmesh.source.udsource;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.LogCapture;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code NackFn} when the udsource stops: a subscriber takes every record and acks only the even
 * ones; the source's drain times out on the odd ones, and exactly those offsets are nacked at the
 * UDF, each once, one offset per {@code NackRequest.Request} as Numaflow's core sends them. A UDF
 * without {@code NackFn} (UNIMPLEMENTED, as SDK 0.9.2) gets one call, the source says so in one
 * INFO line, counts no error, and stops cleanly.
 */
class UdSourceNackTest {

  private static final int RECORDS = 40;
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private FakeSource fake;
  private Launched source;
  private EdgeSubscriber subscriber;

  @AfterEach
  void tearDown() throws Exception {
    if (subscriber != null) {
      OnLoop.await(OnLoop.call(ctx, subscriber::close), 20_000);
    }
    if (source != null) {
      OnLoop.await(source.kill(), 20_000);
    }
    if (fake != null) {
      fake.stop();
    }
    OnLoop.await(vertx.close(), 20_000);
  }

  /** Starts the source at {@code fake} and a subscriber acking the even records; waits until all were read and the even ones acked at the UDF. */
  private void runUntilOddOnesAreUnacked() throws Exception {
    String address = fake.start(vertx);
    source = new SourceMain().launch(new String[] {"--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1",
        "--source.type=udsource", "--source.udsource.address=" + address, "--source.udsource.timeout=5s",
        "--source.udsource.read-timeout=100ms", "--source.udsource.max-batch=7"}, Map.of());
    int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
    AtomicInteger received = new AtomicInteger();
    subscriber = OnLoop.call(ctx, () -> {
      EdgeSubscriber s = new EdgeSubscriber(vertx, "map", "t", new HostPort("127.0.0.1", port), EdgeOptions.defaults(),
          new SimpleMeterRegistry());
      s.handler(d -> {
        received.incrementAndGet();
        if (Integer.parseInt(d.message().getValue().toStringUtf8().substring(2)) % 2 == 0) {
          s.ack(d);
        }
      }).start();
      return s;
    });
    until(() -> fake.sent.size() == RECORDS && received.get() == RECORDS && fake.acked.size() == RECORDS / 2, 30_000,
        () -> "all " + RECORDS + " read (" + fake.sent.size() + "), received (" + received.get() + "), the even ones acked at the UDF ("
            + fake.acked.size() + ")");
  }

  @Test
  void offsetsReadAndNotAckedWhenTheDrainTimesOutAreNackedExactlyOnce() throws Exception {
    fake = new FakeSource(RECORDS, true);
    runUntilOddOnesAreUnacked();
    OnLoop.await(source.stop(Duration.ofMillis(300)), 30_000);

    Set<Offset> odd = new HashSet<>();
    for (int i = 1; i < RECORDS; i += 2) {
      odd.add(FakeSource.offset(i));
    }
    assertEquals(odd, new HashSet<>(fake.nacked), "the offsets nacked are exactly the ones read and not acked");
    assertEquals(RECORDS / 2, fake.nacked.size(), "each nacked once: " + fake.nacked);
    assertEquals(1, fake.nackCalls.get(), "one NackFn call");
    assertTrue(fake.offsetsPerNackRequest.stream().allMatch(n -> n == 1), "one offset per request: " + fake.offsetsPerNackRequest);
    assertTrue(fake.acked.stream().noneMatch(odd::contains), "no nacked offset was acked");
    assertEquals(RECORDS / 2.0, source.registry().find("flowmesh.source.udsource.nacked").counter().count(), "nacked, counted");
  }

  @Test
  void aSourceWithoutNackFnGetsOneCallOneInfoLineNoErrorAndStopsCleanly() throws Exception {
    fake = new FakeSource(RECORDS, false);
    runUntilOddOnesAreUnacked();
    try (LogCapture log = new LogCapture(SourceNack.class)) {
      OnLoop.await(source.stop(Duration.ofMillis(300)), 30_000);
      List<String> lines = log.lines();
      assertEquals(1, lines.size(), "one line: " + lines);
      assertTrue(lines.get(0).startsWith("INFO ") && lines.get(0).contains("has no NackFn (UNIMPLEMENTED")
          && lines.get(0).contains("the " + RECORDS / 2 + " offsets read and not acked"), lines.get(0));
    }
    assertEquals(1, fake.nackCalls.get(), "asked once, not per offset");
    assertTrue(fake.nacked.isEmpty(), "nothing nacked");
    assertEquals(0.0, source.registry().find("flowmesh.source.udsource.nacked").counter().count(), "nothing counted as nacked");
    assertEquals(0.0, source.registry().find("flowmesh.source.udsource.protocol.faults").counter().count(), "no fault counted");
  }
}
