package io.flowmesh.map;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a map-level test starts in this JVM — example UDF servers, map-service, the test edges around
 * it — and closes, in reverse order, when the test ends ({@link #close()} from an {@code @AfterEach}).
 */
final class MapHarness implements AutoCloseable {

  private final List<AutoCloseable> open = new ArrayList<>();
  private final Vertx udfVertx = Vertx.vertx();
  private Launched launched;

  /** Closes {@code c} when the test ends (after what was kept later). */
  <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Starts a UDF server with {@code handler}; returns its address. */
  String udf(MapHandler handler, MapMode mode) {
    UdfServer server = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(mode)).handler(handler);
    return OnLoop.await(server.start(), 10_000).toString();
  }

  /** Starts map-service (one instance, two event loops, plus {@code extra}); returns the port of its downstream edge. */
  int map(int sourcePort, String udfAddress, String... extra) {
    int edgePort = PortFinder.freePort();
    List<String> args = new ArrayList<>(List.of("--map.upstream=127.0.0.1:" + sourcePort, "--map.edge.port=" + edgePort,
        "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2"));
    args.addAll(List.of(extra));
    try {
      Launched l = new MapMain().launch(args.toArray(String[]::new), Map.of());
      open.add(() -> OnLoop.await(l.stop(Duration.ofSeconds(5)), 20_000));
      launched = l;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return edgePort;
  }

  /** The UDF servers' Vert.x (for handlers that use timers). */
  Vertx vertx() {
    return udfVertx;
  }

  /** The last map-service started. */
  Launched launched() {
    return launched;
  }

  JsonObject mapStatus() {
    return OnLoop.await(launched.vertex().status(), 10_000);
  }

  @Override
  public void close() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("closing " + open.get(i) + ": " + e, e);
      }
    }
    OnLoop.await(udfVertx.close(), 20_000);
  }
}
