package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check}: the config loaded and validated as a start does, every problem at once, nothing started. */
class VertexMainCheckTest {

  private static final ConfigKey<Integer> COUNT = ConfigKey.of("source.count", "0", Types.intRange(0, Integer.MAX_VALUE),
      "how many messages");

  /** A source-like service whose start must never run. */
  private static final class CheckedOnly extends VertexMain<Integer> {

    @Override
    protected String name() {
      return "source";
    }

    @Override
    protected Set<String> namespaces() {
      return Set.of("source");
    }

    @Override
    protected List<ConfigKey<?>> keys() {
      return List.of(COUNT);
    }

    @Override
    protected Integer configure(Settings s) {
      Integer count = s.get(COUNT);
      if (count != null && count == 13) {
        s.problem(COUNT, "unlucky (a check of the service's own configure)");
      }
      return count;
    }

    @Override
    protected int httpPort(Integer config) {
      return 0;
    }

    @Override
    protected Future<Vertex> start(Vertx vertx, Integer config, Common common, PrometheusMeterRegistry registry) {
      throw new AssertionError("--check started the vertex");
    }
  }

  @Test
  void aValidConfigIsAcceptedWithItsVertexNameAndNothingStarts() throws ConfigException {
    assertEquals("in", new CheckedOnly().check(new String[] {"--vertex.name=in", "--source.count=5"}, Map.of()));
    assertEquals("source", new CheckedOnly().check(new String[0], Map.of()), "vertex.name defaults to the service's kind");
  }

  @Test
  void everyBadValueIsReportedAtOnceCommonKeysAndTheServicesOwnChecksIncluded() {
    ConfigException e = assertThrows(ConfigException.class, () -> new CheckedOnly().check(
        new String[] {"--source.count=lots", "--edge.ack-delay=2s"}, Map.of("FLOWMESH_HTTP_TOKEN", " ")));
    assertEquals(3, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("source.count='lots' (from --source.count): ")), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("edge.ack-delay='2s'")), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("http.token=") && p.contains("must not be blank")), e.problems().toString());
    ConfigException own = assertThrows(ConfigException.class, () -> new CheckedOnly().check(new String[] {"--source.count=13"}, Map.of()));
    assertEquals(List.of("source.count='13' (from --source.count): unlucky (a check of the service's own configure)"), own.problems());
  }

  @Test
  void anotherServicesFlagIsRefusedNamingTheServiceThatReadsIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> new CheckedOnly().check(
        new String[] {"--map.concurrency=5", "--udf.timeout=1s", "--sink.retry-backoff=1s", "--source.count=5"}, Map.of()));
    assertEquals(List.of("--map.concurrency is a map-service key; this is source-service",
        "--udf.timeout is a map-service key; this is source-service",
        "--sink.retry-backoff is a sink-service key; this is source-service"), e.problems());
  }

  @Test
  void theCheckReportSaysValidThenWhatNoServiceReadsAndTheOtherServicesSettingsItDoesNotRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("all.yaml");
    Files.writeString(file, "source:\n  count: 5\nsink:\n  retry-backoff: 1s\nmap:\n  concurrency: 8\n");
    List<String> report = new CheckedOnly().checkReport(new String[] {"--config", file.toString()},
        Map.of("FLOWMESH_SINK_PATH", "/tmp/out", "FLOWMESH_MAP_CONCURENCY", "5"));
    assertEquals(List.of("source: configuration of vertex 'source' is valid",
        "source: ignoring what no Flowmesh service reads: FLOWMESH_MAP_CONCURENCY (did you mean FLOWMESH_MAP_CONCURRENCY?)",
        "source: not reading other services' settings (map-service: 'map.concurrency' in " + file + "; sink-service: 'sink.retry-backoff' in "
            + file + ", FLOWMESH_SINK_PATH)"), report);
    assertEquals(List.of("source: configuration of vertex 'source' is valid"), new CheckedOnly().checkReport(new String[0], Map.of()));
  }

  @Test
  void theCheckFlagIsFoundAndTakenOutOfTheCommandLineTheConfigIsReadFrom() {
    String[] args = {"--config", "in.yaml", "--check", "--source.count=5"};
    assertTrue(MainCommands.wantsCheck(args));
    assertFalse(MainCommands.wantsCheck(new String[] {"--config", "in.yaml"}));
    assertArrayEquals(new String[] {"--config", "in.yaml", "--source.count=5"}, MainCommands.withoutCheck(args));
  }
}
