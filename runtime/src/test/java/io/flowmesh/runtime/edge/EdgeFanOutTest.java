package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Fan-out on an upstream with named edges ({@code X.edge.to}): an EdgeServer with several outbound
 * edges and real EdgeSubscribers, one per downstream vertex, over gRPC on loopback.
 */
class EdgeFanOutTest extends TwoVertxEdgeTest {

  /** What the vertex behind the server sees: which of its messages were acked (by index), and how often. */
  private final Set<Integer> told = ConcurrentHashMap.newKeySet();
  private final AtomicInteger toldTwice = new AtomicInteger();

  /** A server named "map" with these edges, offering {@code total} messages made by {@code make} as room allows. */
  private EdgeServer server(List<EdgeRoutes.Route> routes, int capacity, int total, IntFunction<EdgeMessage> make) {
    AtomicInteger next = new AtomicInteger();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "map", EdgeOptions.defaults(), capacity,
        new EdgeRoutes(routes, "map.edge.to"), upRegistry));
    run(up, () -> server.ackListener((m, a, r) -> {
      if (!told.add((Integer) a)) {
        toldTwice.incrementAndGet();
      }
    }).demandHandler(v -> {
      while (next.get() < total && server.room() > 0) {
        int i = next.getAndIncrement();
        server.offer(make.apply(i), i);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    return server;
  }

  private static EdgeMessage tagged(int i, List<String> tags) {
    return EdgeMessage.newBuilder().setId("m" + i).setValue(EdgeTest.msg(i).getValue()).addAllTags(tags).build();
  }

  private static EdgeRoutes.Route route(String to, String condition) {
    return new EdgeRoutes.Route(to, condition == null ? null : TagCondition.parse(condition));
  }

  /** A downstream vertex's subscriber: the ids it received, how many deliveries, acking each unless told not to. */
  private final class Downstream {
    final Set<String> ids = ConcurrentHashMap.newKeySet();
    final Map<String, ByteString> values = new ConcurrentHashMap<>();
    final AtomicInteger deliveries = new AtomicInteger();
    final List<Delivery> withheld = new ArrayList<>();
    final EdgeSubscriber sub;

    Downstream(EdgeServer server, String vertex, boolean holdCredit, java.util.function.Predicate<String> withhold) {
      sub = call(down, () -> new EdgeSubscriber(downVertx, vertex, vertex + "-0", new HostPort("127.0.0.1", server.port()),
          EdgeOptions.defaults(), new SimpleMeterRegistry()));
      run(down, () -> sub.holdCredit(holdCredit).handler(d -> {
        deliveries.incrementAndGet();
        ids.add(d.message().getId());
        values.put(d.message().getId(), d.message().getValue());
        if (withhold.test(d.message().getId())) {
          withheld.add(d);
        } else {
          sub.ack(d);
        }
      }).start());
    }

    Downstream(EdgeServer server, String vertex) {
      this(server, vertex, false, id -> false);
    }
  }

  private static Set<String> ids(int total, java.util.function.IntPredicate which) {
    Set<String> s = new TreeSet<>();
    for (int i = 0; i < total; i++) {
      if (which.test(i)) {
        s.add("m" + i);
      }
    }
    return s;
  }

  private double meter(String name, String tag, String value) {
    return upRegistry.get(name).tag(tag, value).counter().count();
  }

  @Test
  void eachMessageGoesToEveryEdgeWhoseOrAndOrNotConditionItsTagsMeetAndOneMeetingNoneIsDroppedCountedAndAcked() {
    // EdgeMessage i carries PATTERNS[i % 6]; EDGES_OF says which of a (or:x,y), b (and:x,y), c (not:x,z) take it.
    List<List<String>> patterns = List.of(List.of(), List.of("x"), List.of("y"), List.of("x", "y"), List.of("z"), List.of("y", "w"));
    List<String> edgesOf = List.of("c", "a", "ac", "ab", "", "ac");
    int total = 6_000;
    EdgeServer server = server(List.of(route("a", "or:x,y"), route("b", "and:x,y"), route("c", "not:x,z")), 1000, total,
        i -> tagged(i, patterns.get(i % 6)));
    Map<String, Downstream> downstream = Map.of("a", new Downstream(server, "a"), "b", new Downstream(server, "b"),
        "c", new Downstream(server, "c"));

    until(() -> told.size() == total, 30_000, () -> "every message acked upstream, " + told.size() + " so far");
    downstream.forEach((edge, d) -> {
      Set<String> expected = ids(total, i -> edgesOf.get(i % 6).contains(edge));
      assertEquals(expected, new TreeSet<>(d.ids), "ids on edge map -> " + edge);
      assertEquals(expected.size(), d.deliveries.get(), "deliveries on edge map -> " + edge + " (each message once)");
    });
    assertEquals(0, toldTwice.get(), "messages acked upstream twice");
    JsonObject status = call(up, server::status);
    assertEquals(total / 6, status.getLong("dropped"), "dropped in /status: " + status);
    assertEquals(total / 6, upRegistry.get("flowmesh.edge.dropped").tag("reason", "no-edge-matched").counter().count());
    assertEquals(total - total / 6, status.getLong("acked"), "acked in /status (dropped ones are not): " + status);
    JsonArray edges = status.getJsonArray("edges");
    assertEquals(List.of("a", "b", "c"), edges.stream().map(e -> ((JsonObject) e).getString("to")).toList());
    assertEquals("and:x,y", edges.getJsonObject(1).getString("condition"));
    assertEquals(total * 5 / 6, edges.getJsonObject(1).getLong("notMatched"), "b took only x-and-y messages: " + status);
    assertEquals(total * 4 / 6, meter("flowmesh.edge.sent", "to", "a"), "sent on a");
  }

  @Test
  void withoutConditionsEveryEdgeGetsEveryMessageOnceAndTheInputIsAckedOnce() {
    int total = 20_000;
    EdgeServer server = server(List.of(route("sink-a", null), route("sink-b", null)), 1000, total, i -> tagged(i, List.of()));
    Downstream a = new Downstream(server, "sink-a");
    Downstream b = new Downstream(server, "sink-b");

    until(() -> told.size() == total, 60_000, () -> "every message acked upstream, " + told.size() + " so far");
    Set<String> all = ids(total, i -> true);
    assertEquals(all, new TreeSet<>(a.ids), "sink-a got everything");
    assertEquals(all, new TreeSet<>(b.ids), "sink-b got everything");
    assertEquals(total, a.deliveries.get(), "sink-a: each once");
    assertEquals(total, b.deliveries.get(), "sink-b: each once");
    assertEquals(0, toldTwice.get(), "messages acked upstream twice");
    assertEquals(total, (long) call(up, server::acked), "acked: once per message, not per copy");
    assertEquals(total, meter("flowmesh.edge.acked", "to", "sink-b"), "copies acked on sink-b");
    until(() -> call(up, server::queued) == 0 && call(up, server::unacked) == 0, 10_000, () -> "nothing left upstream");
  }

  @Test
  void aMessageIsAckedUpstreamOnlyOnceItsCopyOnEveryEdgeIsAcked() {
    int total = 1_000;
    EdgeServer server = server(List.of(route("a", null), route("b", null)), 1000, total, i -> tagged(i, List.of()));
    Downstream a = new Downstream(server, "a");
    // b holds back its acks of every tenth message
    Downstream b = new Downstream(server, "b", false, id -> Integer.parseInt(id.substring(1)) % 10 == 0);

    until(() -> a.ids.size() == total && b.ids.size() == total && told.size() == total - total / 10, 30_000,
        () -> "a=" + a.ids.size() + " b=" + b.ids.size() + " acked upstream=" + told.size());
    Set<Integer> early = new HashSet<>(told);
    for (int i = 0; i < total; i += 10) {
      assertFalse(early.contains(i), "message " + i + " was acked upstream while its copy on b was not");
    }
    assertEquals(total / 10, (int) call(up, server::unacked), "the copies on b still unacked upstream");

    run(down, () -> b.withheld.forEach(b.sub::ack));
    until(() -> told.size() == total, 30_000, () -> "the held-back ones acked upstream, " + told.size() + " so far");
    assertEquals(0, toldTwice.get(), "messages acked upstream twice");
  }

  @Test
  void aThrottledEdgeFillsTheSharedBoundWhileTheOtherEdgeGoesOnAndBothGetEverythingOnceCreditReturns() {
    int bound = 500;
    int total = 3_000;
    EdgeServer server = server(List.of(route("fast", null), route("slow", null)), bound, total, i -> tagged(i, List.of()));
    Downstream slow = new Downstream(server, "slow", true, id -> false);
    Downstream fast = new Downstream(server, "fast");

    // slow grants no credit: its queue fills up to the bound, and fast gets exactly what was produced until then
    until(() -> fast.ids.size() == bound && call(up, server::room) == 0, 30_000,
        () -> "fast=" + fast.ids.size() + " queued=" + call(up, server::queued));
    assertEquals(bound, (int) call(up, server::queued), "the shared bound, held for the slow edge");
    assertEquals(0L, (long) call(up, server::demand), "no demand at the bound");
    assertEquals(bound, fast.ids.size(), "fast got what was produced up to the bound");
    assertEquals(0, slow.deliveries.get(), "slow got nothing without credit");
    JsonObject slowStatus = call(up, server::status).getJsonArray("edges").getJsonObject(1);
    assertEquals("slow", slowStatus.getString("to"));
    assertEquals(bound, slowStatus.getInteger("queued"), "queued on the slow edge: " + slowStatus);
    assertTrue(told.isEmpty(), "nothing acked upstream while no copy on slow was");

    run(down, () -> slow.sub.holdCredit(false));
    until(() -> told.size() == total, 60_000, () -> "fast=" + fast.ids.size() + " slow=" + slow.ids.size() + " acked=" + told.size());
    Set<String> all = ids(total, i -> true);
    assertEquals(all, new TreeSet<>(fast.ids), "fast got everything");
    assertEquals(all, new TreeSet<>(slow.ids), "slow got everything");
    assertEquals(total, fast.deliveries.get(), "fast: each once");
    assertEquals(total, slow.deliveries.get(), "slow: each once");
    assertEquals(0, toldTwice.get(), "messages acked upstream twice");
  }

  @Test
  void anEdgeWithoutASubscriberWhileMessagesWaitOnItMakesTheVertexNotReadyNamingThatEdgeOnly() {
    int bound = 200;
    int total = 1_000;
    EdgeServer server = server(List.of(route("a", null), route("b", null)), bound, total, i -> tagged(i, List.of()));
    OrphanWatch watch = call(up, () -> new OrphanWatch(upVertx, server, java.time.Duration.ofMillis(100),
        java.time.Duration.ofSeconds(30), "edge.orphan-timeout", null).start());
    Downstream a = new Downstream(server, "a");
    // a's subscription is asynchronous: until it has one, a is an edge without a subscriber too
    until(() -> !a.ids.isEmpty(), 30_000, () -> "a subscribed and receiving");
    String[] reason = {null};
    until(() -> (reason[0] = call(up, watch::notReadyReason)) != null, 30_000, () -> "a not-ready reason; a got " + a.ids.size());
    assertTrue(reason[0].startsWith("edge map -> b: no subscriber yet, "), reason[0]);
    assertFalse(reason[0].contains("-> a"), "a has its subscriber: " + reason[0]);
    assertEquals(new JsonArray().add("b"), call(up, watch::status).getJsonArray("edgesWithoutSubscriber"));
    until(() -> a.ids.size() == bound && call(up, server::room) == 0, 30_000,
        () -> "a going on up to the bound: a=" + a.ids.size() + " queued=" + call(up, server::queued));
    assertEquals(bound, (int) call(up, server::queued), "the bound, held for b");

    Downstream b = new Downstream(server, "b");
    until(() -> told.size() == total, 60_000, () -> "a=" + a.ids.size() + " b=" + b.ids.size() + " acked=" + told.size());
    assertEquals(null, call(up, watch::notReadyReason), "ready once b subscribed");
    assertEquals(new JsonArray(), call(up, watch::status).getJsonArray("edgesWithoutSubscriber"));
    assertEquals(total, b.deliveries.get(), "b: each once");
    run(up, watch::stop);
  }

  @Test
  void aRarelyTaggedEdgeWithoutASubscriberKeepsItsMessagesButNotTheFramesTheyWereCutFrom() {
    int frames = 20;
    int per = 40;
    int total = frames * per;
    // message i is the (i % 40)th slice of 1,000 bytes of frame i / 40 (as a map's outputs are of its UDF's answers),
    // filled with that frame's number; the first of each frame goes to "rare", the others to "common"
    List<WeakReference<byte[]>> made = new ArrayList<>();
    byte[][] current = {null};
    EdgeServer server = server(List.of(route("common", "or:common"), route("rare", "or:rare")), 100, total, i -> {
      if (i % per == 0) {
        current[0] = new byte[per * 1_000];
        Arrays.fill(current[0], (byte) (i / per));
        made.add(new WeakReference<>(current[0]));
      }
      return EdgeMessage.ofSlices(ByteString.copyFromUtf8("m" + i), UnsafeByteOperations.unsafeWrap(current[0], (i % per) * 1_000, 1_000),
          List.of(), 0, List.of(), 0, List.of(i % per == 0 ? "rare" : "common"), false);
    });
    Downstream common = new Downstream(server, "common");
    until(() -> told.size() == total - frames, 30_000, () -> "common's messages acked, " + told.size() + " so far");
    // the heartbeat looks at the queue every 100 ms: each rare message, alone in its frame there, is copied once
    until(() -> call(up, server::status).getJsonArray("edges").getJsonObject(1).getLong("detached") == frames, 10_000,
        () -> "rare's queued messages copied: " + call(up, server::status));
    JsonObject rare = call(up, server::status).getJsonArray("edges").getJsonObject(1);
    assertEquals(frames, rare.getInteger("queued"), "rare's messages still queued for a subscriber: " + rare);
    assertEquals(0L, call(up, server::status).getJsonArray("edges").getJsonObject(0).getLong("detached"), "common copied nothing");
    run(up, () -> current[0] = null);
    for (int attempt = 0; attempt < 20 && made.stream().anyMatch(r -> r.get() != null); attempt++) {
      System.gc();
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
    List<Integer> reachable = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      if (made.get(f).get() != null) {
        reachable.add(f);
      }
    }
    assertEquals(List.of(), reachable, "frames still reachable, of " + frames);

    Downstream late = new Downstream(server, "rare");
    until(() -> told.size() == total, 30_000, () -> "rare's messages acked once it subscribed, " + told.size() + " acked");
    for (int f = 0; f < frames; f++) {
      byte[] expected = new byte[1_000];
      Arrays.fill(expected, (byte) f);
      assertEquals(ByteString.copyFrom(expected), late.values.get("m" + f * per), "the value of frame " + f + "'s rare message");
    }
    assertEquals(frames, late.deliveries.get(), "rare: each once");
    assertEquals(total - frames, common.deliveries.get(), "common: each once");
    assertEquals(0, toldTwice.get(), "messages acked upstream twice");
  }

  @Test
  void aSubscriberForAnEdgeThisVertexDoesNotHaveIsRefusedWithAStatusNamingTheEdge() {
    EdgeServer server = server(List.of(route("sink-even", "or:even"), route("sink-odd", "or:odd")), 100, 100,
        i -> tagged(i, List.of(i % 2 == 0 ? "even" : "odd")));
    EdgeSubscriber stranger = call(down, () -> new EdgeSubscriber(downVertx, "sink-x", "x-0",
        new HostPort("127.0.0.1", server.port()), EdgeOptions.defaults(), new SimpleMeterRegistry()));
    run(down, () -> stranger.handler(d -> { }).start());
    until(() -> call(down, stranger::lastFailure) != null, 10_000, () -> "the refusal");
    EdgeException e = call(down, stranger::lastFailure);
    assertEquals(GrpcStatus.NOT_FOUND, e.status());
    assertTrue(e.getMessage().contains("edge map -> sink-x: vertex map has no edge to vertex 'sink-x'; its edges go to "
        + "[sink-even, sink-odd] (map.edge.to)"), e.getMessage());
    awaitOn(down, stranger::close);

    RawSubscriber misdialled = call(down, () -> new RawSubscriber(downVertx, server.port()));
    misdialled.hello("m-0", "sink-even", "other", EdgeOptions.PROTOCOL_VERSION, 10);
    until(() -> misdialled.status.get() != null, 10_000, () -> "the refusal of a subscriber expecting another upstream");
    assertEquals(GrpcStatus.NOT_FOUND, misdialled.status.get());
    assertTrue(misdialled.statusMessage.get().startsWith("edge other -> sink-even: this is vertex map, not 'other'"),
        misdialled.statusMessage.get());

    RawSubscriber rightful = call(down, () -> new RawSubscriber(downVertx, server.port()));
    AtomicInteger got = new AtomicInteger();
    rightful.onBatch(b -> got.addAndGet(b.getMessagesCount()));
    rightful.hello("e-0", "sink-even", "map", EdgeOptions.PROTOCOL_VERSION, 10);
    until(() -> got.get() == 10, 10_000, () -> "the rightful subscriber served, got " + got.get());
    assertEquals(1, call(up, server::status).getJsonArray("edges").getJsonObject(0).getInteger("subscriberCount"),
        "only the rightful subscriber on sink-even");
    assertTrue(meter("flowmesh.edge.refused", "reason", "unknown-edge") >= 1, "the stranger's refusals counted");
    assertEquals(1.0, meter("flowmesh.edge.refused", "reason", "wrong-upstream"), "the misdialled one's refusal counted");
  }
}
