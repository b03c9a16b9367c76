package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.service.KnownKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleConfigTest {

  @Test
  void serviceKeysListsExactlyTheConsoleKeys() {
    assertEquals(List.of(), KnownKeys.differences("console", Set.of("console"), ConsoleKeys.all()));
  }

  @Test
  void addressesAloneGiveTheVerticesAndTheDefaults() throws Exception {
    ConsoleConfig c = ConsoleConfig.load(new String[] {"--console.vertices=in=127.0.0.1:7001,out=127.0.0.1:7002"}, Map.of());
    assertEquals(List.of("in", "out"), c.topology().vertices().stream().map(Topology.Vertex::name).toList());
    assertEquals(Duration.ofSeconds(1), c.interval());
    assertEquals(8070, c.port());
  }

  @Test
  void everyProblemIsReportedAtOnceNamingItsKey(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "spec: {vertices: [{name: in}]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConsoleConfig.load(new String[] {"--console.spec=" + spec,
        "--console.vertices=in", "--console.poll-interval=10ms"}, Map.of("FLOWMESH_CONSOLE_PORT", "http")));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("console.vertices") && all.contains("'in' is not name=host:port"), all);
    assertTrue(all.contains("console.spec") && all.contains("vertex 'in' needs one of source, udf or sink"), all);
    assertTrue(all.contains("console.poll-interval") && all.contains("a duration from 100ms to 1h"), all);
    assertTrue(all.contains("FLOWMESH_CONSOLE_PORT"), all);
  }

  @Test
  void aPollTimeoutOutsideItsRangeIsRefusedInsteadOfOverflowingTheIntMillisecondsVertxTakes() {
    for (String bad : List.of("0", "50ms", "600h", "9999999999h")) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConsoleConfig.load(new String[] {
          "--console.vertices=in=127.0.0.1:7001", "--console.poll-timeout=" + bad}, Map.of()));
      assertEquals(List.of("console.poll-timeout='" + bad + "' (from --console.poll-timeout): allowed is a duration from 100ms to 10m "
          + "(a number and a unit: us, ms, s, m, h)"), e.problems());
    }
  }

  @Test
  void aVertexServicesKeyAsAFlagIsRefusedNamingTheServicesThatReadIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConsoleConfig.load(new String[] {
        "--console.vertices=in=127.0.0.1:7001", "--map.concurrency=4", "--edge.token=t"}, Map.of("FLOWMESH_SINK_PATH", "/tmp/x")));
    assertEquals(List.of("--map.concurrency is a map-service key; this is console",
        "--edge.token is a source-service, map-service and sink-service key; this is console"), e.problems());
  }

  @Test
  void neitherASpecNorAddressesIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConsoleConfig.load(new String[0], Map.of()));
    assertEquals(List.of("set console.spec (a pipeline spec file) or console.vertices (name=host:port,...), or both"), e.problems());
  }

  @Test
  void theTitleNamesThePipelineTheConsoleWatchesByAddressOnly() throws Exception {
    String[] vertices = {"--console.vertices=in=127.0.0.1:7001,out=127.0.0.1:7002"};
    assertEquals("pipeline", ConsoleConfig.load(vertices, Map.of()).topology().name(), "no spec, no title");
    ConsoleConfig c = ConsoleConfig.load(vertices, Map.of("FLOWMESH_CONSOLE_TITLE", "even-odd"));
    assertEquals("even-odd", c.topology().name(), "as a rendered compose file sets it");
    ConfigException e = assertThrows(ConfigException.class, () -> ConsoleConfig.load(new String[] {vertices[0], "--console.title= "},
        Map.of()));
    assertEquals(List.of("console.title=' ' (from --console.title): must not be blank (leave it unset for the spec's name)"), e.problems());
  }
}
