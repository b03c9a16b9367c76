package io.flowmesh.source.transformer;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.LogCapture;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code source.transformer.server-info-file}: a file that is garbage, or that is another kind's
 * (a map UDF's, with its {@code MAP_MODE}), stops the transformer before anything is sent to it,
 * with one ERROR line naming the source transformer and the file, counted as
 * {@code errors{fault=server-info}} and named in {@code /readyz}; the service keeps answering, and
 * once the SDK writes a proper file every message goes through.
 */
class TransformerServerInfoTest {

  private static final int COUNT = 20;
  /** What the Java SDK writes for a source transformer (0.9.2). */
  private static final String PROPER = "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":\"1.3.0-z\","
      + "\"version\":\"0.9.2\",\"metadata\":{}}U+005C__END__";
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final FakeTransformer fake = new FakeTransformer();
  private Launched source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      OnLoop.await(source.kill(), 20_000);
    }
    fake.stop();
    OnLoop.await(vertx.close(), 20_000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "garbage     | not json at all U+005C__END__           | is not a JSON object",
      "map UDF's   | {\"metadata\":{\"MAP_MODE\":\"unary-map\"}}U+005C__END__ | it is a map UDF's (MAP_MODE=unary-map), not a source transformer's"})
  void aWrongServerInfoFileIsOneErrorNamingTheKindAndTheFile(String name, String content, String why, @TempDir Path dir)
      throws Exception {
    Path info = dir.resolve("sourcetransformer-server-info");
    Files.writeString(info, content, StandardCharsets.UTF_8);
    String address = fake.start(vertx);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (LogCapture log = new LogCapture(TransformerFaults.class)) {
      source = new SourceMain().launch(new String[] {"--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1",
          "--source.count=" + COUNT, "--source.rate=0", "--source.id-prefix=s", "--source.transformer.enabled=true",
          "--source.transformer.address=" + address, "--source.transformer.server-info-file=" + info,
          "--source.transformer.reconnect.initial-backoff=20ms", "--source.transformer.reconnect.max-backoff=50ms"}, Map.of());
      int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
      OnLoop.call(ctx, () -> new EdgeSubscriber(vertx, "map", "t", new HostPort("127.0.0.1", port), EdgeOptions.defaults(),
          new SimpleMeterRegistry()).handler(d -> ids.add(d.message().getId())).start());
      until(() -> errors() >= 3, 20_000, () -> name + ": errors{fault=server-info} three times (read again with backoff)");
      List<String> errorLines = log.lines().stream().filter(l -> l.startsWith("ERROR ")).toList();
      assertEquals(1, errorLines.size(), name + ": one ERROR line, not one per attempt: " + log.lines());
      assertTrue(errorLines.get(0).contains("source transformer server-info file " + info)
          && errorLines.get(0).contains(why) && !errorLines.get(0).contains("\n"), name + ": " + errorLines.get(0));
      Readiness r = OnLoop.await(source.vertex().readiness(), 5000);
      assertTrue(!r.ready() && r.reason().contains("source transformer server-info file " + info) && r.reason().contains(why),
          name + ": /readyz " + r.reason());
      assertEquals("generator", OnLoop.await(source.vertex().status(), 5000).getString("type"), "the service still answers");
      assertEquals(0, fake.streams.get(), name + ": nothing was sent to the transformer");
      assertTrue(ids.isEmpty(), name + ": nothing passed: " + ids);

      Files.writeString(info, PROPER, StandardCharsets.UTF_8);
      until(() -> ids.size() == COUNT, 20_000, () -> name + ": all " + COUNT + " once the file is right, got " + ids.size());
      until(() -> OnLoop.await(source.vertex().readiness(), 5000).ready(), 20_000, () -> name + ": ready again");
    }
  }

  private double errors() {
    var c = source.registry().find("flowmesh.source.transformer.errors").tag("fault", "server-info").counter();
    return c == null ? 0 : c.count();
  }
}
