package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two upstream instances on one port at 127.0.0.1 and 127.0.0.2, behind a name whose answer the test changes. */
class UpstreamSetTest {

  private final Vertx up = Vertx.vertx();
  private final Vertx down = Vertx.vertx();

  @AfterEach
  void stop() {
    OnLoop.await(Future.all(down.close(), up.close()), 20_000);
  }

  private static boolean bindable(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private EdgeServer server(Context ctx, String host, int port) {
    EdgeServer s = call(ctx, () -> new EdgeServer(up, "src", EdgeOptions.defaults(), 100, new SimpleMeterRegistry()));
    OnLoop.awaitOn(ctx, () -> s.listen(host, port));
    return s;
  }

  @Test
  void everyAddressOfTheNameGetsASubscriberAndAnAddressThatGoesAwayIsClosedOnceItsUpstreamEndsTheEdge() {
    int port = PortFinder.freePort();
    assumeTrue(bindable("127.0.0.2", port), "needs 127.0.0.2 on the loopback interface");
    Context upCtx = up.getOrCreateContext();
    EdgeServer a = server(upCtx, "127.0.0.1", port);
    EdgeServer b = server(upCtx, "127.0.0.2", port);
    AtomicReference<List<String>> answer = new AtomicReference<>(List.of("127.0.0.1"));
    AtomicInteger lookups = new AtomicInteger();
    List<String> added = new CopyOnWriteArrayList<>();
    List<String> removed = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Context ctx = down.getOrCreateContext();
    UpstreamSet set = call(ctx, () -> new UpstreamSet(down, "sink", List.of(new HostPort("source.test", port)), Duration.ofMillis(100),
        EdgeOptions.defaults(), registry, "t", new UpstreamSet.Listener() {
          @Override
          public void added(EdgeSubscriber s) {
            added.add(s.upstream().host());
          }

          @Override
          public void removed(EdgeSubscriber s) {
            removed.add(s.upstream().host());
          }
        }, host -> {
          lookups.incrementAndGet();
          return answer.get() == null ? Future.failedFuture("no such host: " + host) : Future.succeededFuture(answer.get());
        }));
    OnLoop.run(ctx, set::start);

    until(() -> call(ctx, set::connected) == 1 && call(upCtx, a::subscriberCount) == 1, 10_000, () -> "one edge to .1");
    answer.set(List.of("127.0.0.1", "127.0.0.2"));
    until(() -> call(ctx, set::connected) == 2 && call(upCtx, b::subscriberCount) == 1, 10_000, () -> "a second edge to .2");
    assertEquals(List.of("127.0.0.1", "127.0.0.2"), added);

    // .1 leaves the name while it still serves (a replica draining after SIGTERM): its open edge stays
    answer.set(List.of("127.0.0.2"));
    int seen = lookups.get();
    until(() -> lookups.get() >= seen + 2, 10_000, () -> "two lookups since .1 left the name");
    assertEquals(2, call(ctx, set::connected), "the open edge to .1 stays while the upstream serves it");
    assertEquals(List.of(), removed);
    // .1 ends its edges (its drain is over): the edge is closed, not redialled
    OnLoop.awaitOn(upCtx, a::close);
    until(() -> call(ctx, () -> set.subscribers().size()) == 1, 10_000, () -> "the edge to .1 closed");
    assertEquals(List.of("127.0.0.1"), removed);
    assertEquals(1, call(upCtx, b::subscriberCount));
    until(() -> registry.find("flowmesh.edge.input.buffer").meters().size() == 1, 10_000,
        () -> "the closed subscriber's gauges removed: " + registry.find("flowmesh.edge.input.buffer").meters().size());

    answer.set(null);
    until(() -> call(ctx, set::resolveError) != null, 10_000, () -> "a resolve error");
    assertNotNull(call(ctx, set::resolveError));
    assertTrue(call(ctx, set::resolveError).contains("source.test"));
    assertEquals(1, call(ctx, set::connected), "a failed lookup keeps the edges there are");
    OnLoop.awaitOn(ctx, set::close);
  }

  @Test
  void aListOfAddressesGetsOneSubscriberPerEntryAndANameInItIsResolvedOnItsOwn() {
    Context upCtx = up.getOrCreateContext();
    EdgeServer a = server(upCtx, "127.0.0.1", 0);
    EdgeServer b = server(upCtx, "127.0.0.1", 0);
    EdgeServer c = server(upCtx, "127.0.0.1", 0);
    AtomicReference<List<String>> answer = new AtomicReference<>(List.of());
    Context ctx = down.getOrCreateContext();
    List<HostPort> list = List.of(new HostPort("127.0.0.1", a.port()), new HostPort("127.0.0.1", b.port()),
        new HostPort("replicas.test", c.port()));
    UpstreamSet set = call(ctx, () -> new UpstreamSet(down, "sink", list, Duration.ofMillis(100), EdgeOptions.defaults(),
        new SimpleMeterRegistry(), "t", new UpstreamSet.Listener() {
          @Override
          public void added(EdgeSubscriber s) {
          }

          @Override
          public void removed(EdgeSubscriber s) {
          }
        }, host -> host.equals("replicas.test") ? Future.succeededFuture(answer.get())
            : Future.succeededFuture(List.of(host))));
    OnLoop.run(ctx, set::start);
    until(() -> call(ctx, set::connected) == 2 && call(upCtx, a::subscriberCount) == 1 && call(upCtx, b::subscriberCount) == 1,
        10_000, () -> "one edge to each listed address");
    assertEquals(0, call(upCtx, c::subscriberCount), "the name resolves to nothing yet");
    answer.set(List.of("127.0.0.1"));
    until(() -> call(ctx, set::connected) == 3 && call(upCtx, c::subscriberCount) == 1, 10_000,
        () -> "a third edge once the name resolves");
    assertEquals(List.of(a.port(), b.port(), c.port()), call(ctx, () -> set.subscribers().stream().map(s -> s.upstream().port()).toList()));
    OnLoop.awaitOn(ctx, set::close);
  }

  @Test
  void itsSubscribersSayHelloAsItsVertexAndTagTheirMetricsWithIt() {
    Context upCtx = up.getOrCreateContext();
    EdgeServer server = server(upCtx, "127.0.0.1", 0);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Context ctx = down.getOrCreateContext();
    UpstreamSet set = call(ctx, () -> new UpstreamSet(down, "map", List.of(new HostPort("127.0.0.1", server.port())),
        Duration.ofSeconds(10), EdgeOptions.defaults(), registry, "map-1/0", new UpstreamSet.Listener() {
          @Override
          public void added(EdgeSubscriber s) {
          }

          @Override
          public void removed(EdgeSubscriber s) {
          }
        }, Resolver.system(down)));
    OnLoop.run(ctx, set::start);
    until(() -> call(upCtx, server::subscriberCount) == 1, 10_000, () -> "subscribed");
    assertEquals("map", call(upCtx, server::status).getJsonArray("subscribers").getJsonObject(0).getString("vertex"),
        "the vertex in the hello");
    assertEquals("map", registry.get("flowmesh.edge.input.buffer").gauge().getId().getTag("vertex"), "the metrics' vertex tag");
    OnLoop.awaitOn(ctx, set::close);
  }
}
