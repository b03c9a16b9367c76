package io.flowmesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  static final ConfigKey<Integer> CONCURRENCY = ConfigKey.of("map.concurrency", "500", Types.intRange(1, 100_000), "permits");
  static final ConfigKey<Duration> TIMEOUT = ConfigKey.of("udf.timeout", "30s", Types.DURATION, "per request");
  static final ConfigKey<String> MODE = ConfigKey.of("map.mode", "map", Types.oneOf("map", "batch-map"), "mode");
  static final ConfigKey<Long> FRAME = ConfigKey.of("edge.max-frame-bytes", "16MiB", Types.SIZE, "frame");
  static final List<ConfigKey<?>> KEYS = List.of(CONCURRENCY, TIMEOUT, MODE, FRAME);
  static final Set<String> NS = Set.of("map", "udf", "edge");

  @TempDir
  Path dir;

  @Test
  void defaultsApplyWhenNothingElseIsGiven() throws ConfigException {
    Settings s = Settings.load(KEYS, NS, new String[0], Map.of());
    assertEquals(500, s.get(CONCURRENCY));
    assertEquals(Duration.ofSeconds(30), s.get(TIMEOUT));
    assertEquals(16L << 20, s.get(FRAME));
    s.check();
  }

  @Test
  void aDerivedValueIsWhatEffectiveShowsWithItsNoteAndOnlyAKeyLeftAtItsDefaultCanBeDerived() {
    Settings s = Settings.load(KEYS, NS, new String[] {"--map.concurrency=9"}, Map.of());
    s.derived(TIMEOUT, "5s", "capped at udf.max-timeout=5s: the default 30s is above it");
    s.derived(MODE, "batch-map");
    assertEquals("5s", s.effective().get("udf.timeout"));
    assertEquals("batch-map", s.effective().get("map.mode"));
    assertEquals(Map.of("udf.timeout", "capped at udf.max-timeout=5s: the default 30s is above it"), s.notes());
    assertEquals(Settings.Source.DEFAULT, s.source(TIMEOUT));
    assertThrows(IllegalStateException.class, () -> s.derived(CONCURRENCY, "1", "set by a flag"));
    assertEquals("9", s.effective().get("map.concurrency"));
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "map:\n  concurrency: 7\n  mode: batch-map\nudf:\n  timeout: 2s\n");
    Settings s = Settings.load(KEYS, NS, new String[] {"--config", file.toString(), "--map.concurrency=9"},
        Map.of("FLOWMESH_MAP_CONCURRENCY", "8", "FLOWMESH_UDF_TIMEOUT", "3s"));
    assertEquals(9, s.get(CONCURRENCY));
    assertEquals(Duration.ofSeconds(3), s.get(TIMEOUT));
    assertEquals("batch-map", s.get(MODE));
    assertEquals(Settings.Source.FLAG, s.source(CONCURRENCY));
    s.check();
  }

  @Test
  void everyBadValueIsReportedOnceNamingTheKeyTheValueAndWhatIsAllowed() {
    Settings s = Settings.load(KEYS, NS, new String[] {"--map.mode=fast"},
        Map.of("FLOWMESH_MAP_CONCURRENCY", "zero", "FLOWMESH_UDF_TIMEOUT", "soon"));
    s.get(CONCURRENCY);
    s.get(TIMEOUT);
    s.get(MODE);
    ConfigException e = assertThrows(ConfigException.class, s::check);
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("map.concurrency='zero' (from FLOWMESH_MAP_CONCURRENCY): allowed is an integer from 1 to 100000"),
        e.getMessage());
    assertTrue(e.getMessage().contains("udf.timeout='soon'"), e.getMessage());
    assertTrue(e.getMessage().contains("map.mode='fast' (from --map.mode): allowed is one of map, batch-map"), e.getMessage());
  }

  @Test
  void aKeyReadTwiceWithABadValueIsOneProblem() {
    Settings s = Settings.load(KEYS, NS, new String[] {"--map.concurrency=-1"}, Map.of());
    assertEquals(500, s.get(CONCURRENCY), "the default stands in for the bad value");
    assertEquals(500, s.get(CONCURRENCY), "the second read returns the same value");
    s.problem(CONCURRENCY, "must be at most map.output-capacity");
    s.problem(CONCURRENCY, "must be at most map.output-capacity");
    ConfigException e = assertThrows(ConfigException.class, s::check);
    assertEquals(List.of(
        "map.concurrency='-1' (from --map.concurrency): allowed is an integer from 1 to 100000",
        "map.concurrency='-1' (from --map.concurrency): must be at most map.output-capacity"), e.problems());
  }

  @Test
  void aMalformedConfigFileNamesTheLineAndColumnOfTheProblem() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "map:\n  concurrency: 7\n  mode: batch-map: x\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.load(KEYS, NS, new String[] {"--config", bad.toString()}, Map.of()).check());
    assertEquals(List.of("config file " + bad + " is not valid YAML: line 3, column 18: mapping values are not allowed here"),
        e.problems());
    Path unclosed = dir.resolve("unclosed.yaml");
    Files.writeString(unclosed, "map: [unclosed\n");
    ConfigException e2 = assertThrows(ConfigException.class,
        () -> Settings.load(KEYS, NS, new String[] {"--config", unclosed.toString()}, Map.of()).check());
    assertEquals(1, e2.problems().size(), e2.getMessage());
    assertTrue(e2.problems().get(0).matches("config file .*unclosed.yaml is not valid YAML: line 2, column 1: .+ \\(while parsing a flow sequence at line 1, column 6\\)"),
        e2.getMessage());
  }

  @Test
  void aKeyGivenTwiceInAConfigFileIsRefusedNotTheLastOneTaken() throws Exception {
    Path twice = dir.resolve("twice.yaml");
    Files.writeString(twice, "map:\n  concurrency: 7\n  concurrency: 70\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.load(KEYS, NS, new String[] {"--config", twice.toString()}, Map.of()).check());
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).matches("config file .*twice.yaml is not valid YAML: line 3, column 3: found duplicate key concurrency.*"),
        e.getMessage());
  }

  @Test
  void aConfigFileThatCannotBeReadSaysWhy() throws Exception {
    Path missing = dir.resolve("nope.yaml");
    assertEquals(List.of("config file " + missing + " cannot be read: no such file"), problems("--config", missing.toString()));
    assertEquals(List.of("config file " + dir + " cannot be read: is a directory"), problems("--config", dir.toString()));
    Path locked = dir.resolve("locked.yaml");
    Files.writeString(locked, "map:\n  concurrency: 7\n");
    assertTrue(locked.toFile().setReadable(false, false));
    Assumptions.assumeFalse(Files.isReadable(locked), "running as root: permissions do not stop reading");
    assertEquals(List.of("config file " + locked + " cannot be read: permission denied"), problems("--config", locked.toString()));
  }

  private static List<String> problems(String... args) {
    return Settings.load(KEYS, NS, args, Map.of()).problems();
  }

  @Test
  void aDurationWithoutAUnitIsRefusedNamingTheKeyTheValueAndTheForm() {
    Settings s = Settings.load(KEYS, NS, new String[] {"--udf.timeout=5"}, Map.of());
    assertEquals(Duration.ofSeconds(30), s.get(TIMEOUT));
    assertEquals(List.of("udf.timeout='5' (from --udf.timeout): a duration needs a unit: 5s, 500ms, 2m (units: us, ms, s, m, h)"),
        s.problems());
    assertEquals(Duration.ZERO, Types.DURATION.parse("0"), "zero is zero in any unit");
    assertEquals(Duration.ofMillis(5), Types.DURATION.parse("5ms"));
    assertEquals(Duration.ofSeconds(5), Types.DURATION.parse(" 5s "));
    assertThrows(IllegalArgumentException.class, () -> Types.DURATION.parse("1.5"));
    assertThrows(IllegalArgumentException.class, () -> Types.DURATION.parse("5 parsecs"));
  }

  @Test
  void keysMapToEnvironmentNamesByUpperCasingAndReplacingDotsAndDashes() {
    assertEquals("FLOWMESH_EDGE_MAX_FRAME_BYTES", FRAME.envName());
    assertEquals("FLOWMESH_UDF_RETRY_MAX_ATTEMPTS", ConfigKey.envName("udf.retry.max-attempts"));
  }

  @Test
  void valueTypesParseDurationsSizesAndHostPorts() {
    assertEquals(Duration.ofMillis(250), Types.DURATION.parse("250ms"));
    assertEquals(Duration.ofMinutes(2), Types.DURATION.parse("2m"));
    assertEquals(Duration.ofMillis(1500), Types.DURATION.parse("1.5s"));
    assertEquals(64L << 10, Types.SIZE.parse("64KiB"));
    assertEquals(4_000_000L, Types.SIZE.parse("4MB"));
    assertEquals(new HostPort("::1", 7001), Types.HOST_PORT.parse("[::1]:7001"));
    assertThrows(IllegalArgumentException.class, () -> Types.HOST_PORT.parse("nohost"));
    assertEquals(List.of(new HostPort("127.0.0.1", 7002), new HostPort("map-b", 7012), new HostPort("::1", 7002)),
        Types.HOST_PORTS.parse("127.0.0.1:7002, map-b:7012,[::1]:7002"));
    assertEquals(List.of(new HostPort("a", 1)), Types.HOST_PORTS.parse("a:1,a:1"), "a repeated entry is one upstream");
    for (String bad : List.of("", "a:1,", "a:1,,b:2", "a:1,b", "a:1,b:x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Types.HOST_PORTS.parse(bad), bad);
      assertTrue(e.getMessage().contains("several separated by commas"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Types.SIZE.parse("12 parsecs"));
  }

  @Test
  void secretsAreMaskedInTheEffectiveConfig() {
    ConfigKey<String> token = ConfigKey.of("map.token", "", Types.STRING, "secret");
    Settings s = Settings.load(List.of(token), NS, new String[] {"--map.token=hunter2"}, Map.of());
    assertEquals("***", s.effective().get("map.token"));
  }
}
