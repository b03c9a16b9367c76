package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A join over real gRPC: two EdgeServers as two upstream vertices (source-a, source-b) in one
 * Vert.x instance, one {@link UpstreamGroup} subscribing to both by name in another.
 */
class JoinTest extends TwoVertxEdgeTest {

  private static final ByteString VALUE = ByteString.copyFromUtf8("v".repeat(64));

  /** An upstream vertex named {@code name} offering {@code total} messages {@code name-0..}, as room allows. */
  private EdgeServer upstream(String name, long total, Set<String> acked) {
    AtomicLong next = new AtomicLong();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, name, EdgeOptions.defaults(), 1000, upRegistry));
    run(up, () -> server.ackListener((m, a, r) -> acked.add(m.getId())).demandHandler(v -> {
      while (next.get() < total && server.room() > 0) {
        server.offer(EdgeMessage.newBuilder().setId(name + "-" + next.getAndIncrement()).setValue(VALUE).build(), null);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    return server;
  }

  /** A group joining {@code a} as source-a and {@code b} as source-b; every delivery is recorded and acked. */
  private UpstreamGroup join(EdgeServer a, EdgeServer b, Duration goneAfter, Set<String> received) {
    Upstreams upstreams = new Upstreams(List.of(
        new Upstreams.Vertex("source-a", List.of(new HostPort("127.0.0.1", a.port()))),
        new Upstreams.Vertex("source-b", List.of(new HostPort("127.0.0.1", b.port())))), goneAfter);
    UpstreamGroup group = call(down, () -> new UpstreamGroup(downVertx, "map", upstreams, Duration.ofSeconds(10),
        EdgeOptions.defaults().withInputCapacity(200), new SimpleMeterRegistry(), "map-1/0", new UpstreamSet.Listener() {
          @Override
          public void added(EdgeSubscriber s) {
            s.handler(d -> {
              received.add(d.message().getId());
              s.ack(d);
            });
          }

          @Override
          public void removed(EdgeSubscriber s) {
          }
        }, Resolver.system(downVertx)));
    run(down, group::start);
    return group;
  }

  @Test
  void bothUpstreamsStreamsArriveCompleteAndEveryMessageIsAckedAtItsOwnUpstream() {
    Set<String> ackedA = ConcurrentHashMap.newKeySet();
    Set<String> ackedB = ConcurrentHashMap.newKeySet();
    EdgeServer a = upstream("source-a", 30_000, ackedA);
    EdgeServer b = upstream("source-b", 7_000, ackedB);
    Set<String> received = ConcurrentHashMap.newKeySet();
    UpstreamGroup group = join(a, b, Duration.ofSeconds(30), received);
    until(() -> ackedA.size() == 30_000 && ackedB.size() == 7_000, 60_000,
        () -> "acked a=" + ackedA.size() + " b=" + ackedB.size() + " received=" + received.size());
    assertEquals(37_000, received.size());
    for (int i = 0; i < 30_000; i++) {
      assertTrue(received.contains("source-a-" + i), "source-a-" + i);
    }
    for (int i = 0; i < 7_000; i++) {
      assertTrue(received.contains("source-b-" + i), "source-b-" + i);
    }
    JsonArray status = call(down, group::status);
    assertEquals(List.of("source-a", "source-b"), status.stream().map(o -> ((JsonObject) o).getString("vertex")).toList());
    JsonObject replica = status.getJsonObject(1).getJsonArray("replicas").getJsonObject(0);
    assertEquals("source-b", replica.getString("upstreamVertex"));
    assertEquals("127.0.0.1:" + b.port(), replica.getString("upstream"));
    assertTrue(replica.getString("subscriber").startsWith("map-1/0/source-b/"), replica.getString("subscriber"));
    awaitOn(down, group::close);
  }

  @Test
  void eachSubscriberSaysHelloWithTheUpstreamVertexItWasConfiguredFor() {
    RawUpstream named = new RawUpstream(upVertx, 0);
    RawUpstream unnamed = new RawUpstream(upVertx, 0);
    int namedPort = named.listen();
    int unnamedPort = unnamed.listen();
    UpstreamSet.Listener ignore = new UpstreamSet.Listener() {
      @Override
      public void added(EdgeSubscriber s) {
        s.handler(d -> { });
      }

      @Override
      public void removed(EdgeSubscriber s) {
      }
    };
    UpstreamGroup join = call(down, () -> new UpstreamGroup(downVertx, "map", new Upstreams(List.of(
        new Upstreams.Vertex("source-a", List.of(new HostPort("127.0.0.1", namedPort)))), Duration.ofSeconds(30)),
        Duration.ofSeconds(10), EdgeOptions.defaults(), new SimpleMeterRegistry(), "m", ignore, Resolver.system(downVertx)));
    UpstreamGroup plain = call(down, () -> new UpstreamGroup(downVertx, "map",
        Upstreams.unnamed(List.of(new HostPort("127.0.0.1", unnamedPort)), Duration.ofSeconds(30)),
        Duration.ofSeconds(10), EdgeOptions.defaults(), new SimpleMeterRegistry(), "m", ignore, Resolver.system(downVertx)));
    run(down, join::start);
    run(down, plain::start);
    until(() -> named.hello.get() != null && unnamed.hello.get() != null, 10_000, () -> "both hellos");
    assertEquals("source-a", named.hello.get().getUpstreamVertex());
    assertEquals("map", named.hello.get().getVertex());
    assertEquals("", unnamed.hello.get().getUpstreamVertex(), "an unnamed upstream's hello names none");
    // not closed here: the raw upstreams never end their side, the Vert.x instances go after the test
  }

  @Test
  void theJoinedWatermarkFollowsTheSlowerUpstream() {
    EdgeServer a = upstream("source-a", 0, ConcurrentHashMap.newKeySet());
    EdgeServer b = upstream("source-b", 0, ConcurrentHashMap.newKeySet());
    run(up, () -> {
      a.watermark(5_000);
      b.watermark(2_000);
    });
    UpstreamGroup group = join(a, b, Duration.ofSeconds(30), ConcurrentHashMap.newKeySet());
    until(() -> call(down, () -> group.sets().get(0).watermark() == 5_000 && group.sets().get(1).watermark() == 2_000), 10_000,
        () -> "both watermarks: " + call(down, group::status).encode());
    assertEquals(2_000, (long) call(down, group::inputWatermark), "the slower upstream, source-b");
    run(up, () -> b.watermark(9_000));
    until(() -> call(down, group::inputWatermark) == 5_000, 10_000,
        () -> "source-a now the slower: " + call(down, group::inputWatermark));
    run(up, () -> a.watermark(12_000));
    until(() -> call(down, group::inputWatermark) == 9_000, 10_000,
        () -> "source-b the slower again: " + call(down, group::inputWatermark));
    JsonArray status = call(down, group::status);
    assertEquals(12_000, status.getJsonObject(0).getLong("watermark"));
    assertEquals(9_000, status.getJsonObject(1).getLong("watermark"));
    awaitOn(down, group::close);
  }

  @Test
  void anUpstreamThatIsGoneStopsHoldingTheWatermarkBackOnceTheGraceHasPassed() {
    EdgeServer a = upstream("source-a", 0, ConcurrentHashMap.newKeySet());
    EdgeServer b = upstream("source-b", 0, ConcurrentHashMap.newKeySet());
    run(up, () -> {
      a.watermark(5_000);
      b.watermark(2_000);
    });
    long grace = 2_000;
    UpstreamGroup group = join(a, b, Duration.ofMillis(grace), ConcurrentHashMap.newKeySet());
    until(() -> call(down, group::inputWatermark) == 2_000, 10_000, () -> "source-b holding the join at 2000");
    long closing = System.nanoTime(); // before the edge is lost, so the time measured below is at most the time since
    awaitOn(up, b::close);
    until(() -> call(down, () -> group.sets().get(1).connected()) == 0, 10_000, () -> "source-b's edge lost");
    run(up, () -> a.watermark(7_000));
    until(() -> call(down, group::inputWatermark) == 7_000, 10_000 + grace,
        () -> "source-a alone once source-b is gone: " + call(down, group::inputWatermark));
    long waited = (System.nanoTime() - closing) / 1_000_000;
    // Within the grace source-b still counts (a restarting upstream is no reason to run ahead of it).
    assertTrue(waited >= grace, "source-b stopped counting " + waited + " ms after it was lost, before the grace of " + grace + " ms");
    JsonObject bStatus = call(down, group::status).getJsonObject(1);
    assertTrue(bStatus.getBoolean("gone"), bStatus.encode());
    assertEquals(2_000, bStatus.getLong("watermark"), "its last watermark stays in the status");
    awaitOn(down, group::close);
  }

  @Test
  void anUpstreamThatNeverConnectsStopsHoldingTheWatermarkBackOnceTheGraceHasPassed() {
    EdgeServer a = upstream("source-a", 0, ConcurrentHashMap.newKeySet());
    EdgeServer b = upstream("source-b", 0, ConcurrentHashMap.newKeySet());
    awaitOn(up, b::close); // nobody serves source-b's address
    run(up, () -> a.watermark(5_000));
    UpstreamGroup group = join(a, b, Duration.ofMillis(1_000), ConcurrentHashMap.newKeySet());
    until(() -> call(down, () -> group.sets().get(0).watermark()) == 5_000, 10_000, () -> "source-a's watermark");
    until(() -> call(down, group::inputWatermark) == 5_000, 10_000,
        () -> "source-a alone once the unreachable source-b is gone: " + call(down, group::inputWatermark));
    awaitOn(down, group::close);
  }
}
