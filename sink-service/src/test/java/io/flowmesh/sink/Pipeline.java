package io.flowmesh.sink;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Launches the real source and sink services in this JVM on ephemeral ports, and stops them. */
final class Pipeline implements AutoCloseable {

  private final List<Launched> launched = new ArrayList<>();

  Launched source(String... args) throws Exception {
    // The sink subscribes to the source directly here: the source must let vertex "sink" in.
    List<String> all = new ArrayList<>(List.of("--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=2",
        "--shutdown.timeout=2s", "--source.edge.allowed-subscribers=sink"));
    all.addAll(Arrays.asList(args));
    Launched l = new SourceMain().launch(all.toArray(String[]::new), Map.of());
    launched.add(l);
    return l;
  }

  Launched sink(int upstreamPort, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--sink.http.port=0", "--sink.upstream=127.0.0.1:" + upstreamPort,
        "--vertx.event-loops=2", "--shutdown.timeout=2s"));
    all.addAll(Arrays.asList(args));
    Launched l = new SinkMain().launch(all.toArray(String[]::new), Map.of());
    launched.add(l);
    return l;
  }

  static int edgePort(Launched source) {
    return OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 10_000);
  }

  static JsonObject status(Launched service) {
    return OnLoop.await(service.vertex().status(), 10_000);
  }

  /** Stops the services, the last launched first (the sink before its source). */
  @Override
  public void close() {
    for (int i = launched.size() - 1; i >= 0; i--) {
      OnLoop.await(launched.get(i).stop(Duration.ofSeconds(2)), 30_000);
    }
    launched.clear();
  }
}
