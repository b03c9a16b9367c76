package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test source edge, map-service launched in this JVM (one instance) and a test sink edge;
 * {@link #close()} stops everything it started, last started first, also after a failed test.
 */
final class InJvmPipeline implements AutoCloseable {

  private final List<AutoCloseable> open = new ArrayList<>();
  TestSource source;
  TestSink sink;
  Launched map;
  private boolean mapStopped;

  /** Registers something to close with the pipeline (UDF servers, child processes). */
  <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Starts the source ({@code n} messages {@code m0..}, values {@code v0..}), map-service with {@code mapArgs}, then the sink. */
  InJvmPipeline start(int n, String udfAddress, String... mapArgs) {
    return start(TestSource.counting(n, 0), udfAddress, mapArgs);
  }

  /** As {@link #start(int, String, String...)} with a source of one's own. */
  InJvmPipeline start(TestSource testSource, String udfAddress, String... mapArgs) {
    source = keep(testSource);
    int edgePort = PortFinder.freePort();
    List<String> args = new ArrayList<>(List.of("--map.upstream=127.0.0.1:" + source.port(), "--map.edge.port=" + edgePort,
        "--map.http.port=0", "--udf.address=" + udfAddress, "--map.instances=1", "--vertx.event-loops=2"));
    args.addAll(List.of(mapArgs));
    Launched l;
    try {
      l = new MapMain().launch(args.toArray(String[]::new), Map.of());
    } catch (ConfigException e) {
      throw new AssertionError("map-service config refused: " + e.problems(), e);
    }
    map = l;
    keep(() -> stopMap(Duration.ofSeconds(5)));
    sink = keep(new TestSink(edgePort, false));
    return this;
  }

  /** Closes everything kept, last first; every one is tried, the first failure is rethrown (unchecked). */
  @Override
  public void close() {
    Exception first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception | AssertionError e) {
        if (first == null) {
          first = e instanceof Exception ex ? ex : new Exception(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      if (first instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw first instanceof RuntimeException r ? r : new IllegalStateException("closing the pipeline: " + first, first);
    }
  }

  /**
   * Starts a UDF server that passes every element through, on a Vert.x of its own that the
   * pipeline closes; returns its address.
   */
  String passThroughUdf() {
    Vertx udfVertx = Vertx.vertx();
    keep(() -> OnLoop.await(udfVertx.close(), 20_000));
    UdfServer udf = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0"))
        .handler(d -> Future.succeededFuture(List.of(MapResult.passThrough(d))));
    return OnLoop.await(udf.start(), 10_000).toString();
  }

  /** GET {@code path} of map-service's HTTP server; asserts 200 and returns the body. */
  String get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + map.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  /** Stops map-service gracefully (once; later calls do nothing). */
  void stopMap(Duration timeout) {
    if (!mapStopped) {
      mapStopped = true;
      OnLoop.await(map.stop(timeout), 20_000);
    }
  }

  /** The first (only) instance's entry of map's {@code /status}. */
  JsonObject instanceStatus() {
    return OnLoop.await(map.vertex().status(), 10_000).getJsonArray("instances").getJsonObject(0);
  }

  Readiness readiness() {
    return OnLoop.await(map.vertex().readiness(), 10_000);
  }

  /** A {@code flowmesh.map.*} counter of instance 0, as {@code /metrics} shows it. */
  long counter(String name) {
    FunctionCounter c = map.registry().find(name).tag("verticle", "0").functionCounter();
    if (c == null) {
      throw new AssertionError("no counter " + name);
    }
    return (long) c.count();
  }

  /** Waits until every input id {@code m0..m(n-1)} was acked at the source. */
  void awaitAllAcked(int n, long timeoutMillis) {
    until(() -> source.acked.size() == n, timeoutMillis,
        () -> "source acked " + source.acked.size() + " of " + n + " ids; map " + instanceStatus());
  }

  /**
   * Asserts nothing lost — every id {@code m0..m(n-1)} acked at the source and every output
   * {@code m<i>/0} at the sink — and no output reached the sink twice. An input the source
   * redelivered (after a nack) had produced no output, so even then none may arrive twice.
   */
  void assertEveryElementArrivedOnce(int n) {
    awaitAllAcked(n, 60_000);
    until(() -> sink.byId.size() >= n, 10_000, () -> "sink got " + sink.byId.size() + " of " + n + " outputs");
    Set<String> missing = new TreeSet<>();
    for (int i = 0; i < n && missing.size() < 10; i++) {
      if (!sink.byId.containsKey("m" + i + "/0")) {
        missing.add("m" + i + "/0");
      }
    }
    assertEquals(Set.of(), missing, "outputs never reached the sink (first 10)");
    Set<String> unexpected = new HashSet<>(sink.byId.keySet());
    unexpected.removeIf(id -> id.endsWith("/0"));
    assertEquals(Set.of(), unexpected, "outputs that no input should have produced");
    assertEquals(0, sink.duplicates.get(), () -> "outputs answered twice downstream (source redelivered "
        + source.redelivered() + " nacked inputs, which had no output yet); map " + instanceStatus());
  }
}
