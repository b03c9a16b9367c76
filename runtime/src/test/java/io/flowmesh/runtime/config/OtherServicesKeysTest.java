package io.flowmesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flags, environment and file treat a key alike: this service's is used, another service's is
 * ignored, an unknown one in an owned namespace is an error, what no service reads is a warning
 * (an error as a flag in no known namespace).
 */
class OtherServicesKeysTest {

  static final List<ConfigKey<?>> KEYS = SettingsTest.KEYS;
  static final Set<String> NS = SettingsTest.NS;
  static final Set<String> OTHERS = Set.of("source.rate", "source.http.port", "sink.path", "sink.type");

  @TempDir
  Path dir;

  private Settings load(String yaml, Map<String, String> env, String... flags) throws Exception {
    String[] args = flags;
    if (yaml != null) {
      Path file = dir.resolve("c.yaml");
      Files.writeString(file, yaml);
      args = new String[flags.length + 2];
      args[0] = "--config";
      args[1] = file.toString();
      System.arraycopy(flags, 0, args, 2, flags.length);
    }
    return Settings.load(KEYS, NS, OTHERS, args, env);
  }

  @Test
  void anotherServicesKeyIsIgnoredAsAFlagAnEnvironmentVariableOrAFileKey() throws Exception {
    Settings s = load("sink:\n  type: file\n", Map.of("FLOWMESH_SINK_PATH", "/tmp/x"),
        "--source.http.port=9", "--map.concurrency=7");
    s.check();
    assertEquals(7, s.get(SettingsTest.CONCURRENCY));
    assertEquals(List.of("'sink.type' in " + dir.resolve("c.yaml"), "FLOWMESH_SINK_PATH", "--source.http.port"), s.ignored());
    assertEquals(List.of(), s.unread());
  }

  @Test
  void anUnknownKeyInAnOwnedNamespaceIsAnErrorInEveryLayerWithASuggestion() throws Exception {
    Settings s = load("map:\n  concurency: 7\n", Map.of("FLOWMESH_MAP_CONCURENCY", "1"), "--map.concurency=1", "--edge.bogus=1");
    assertEquals(List.of(
        "unknown key 'map.concurency' in " + dir.resolve("c.yaml") + " (did you mean map.concurrency?)",
        "unknown environment variable FLOWMESH_MAP_CONCURENCY: no map.* key has that name (did you mean FLOWMESH_MAP_CONCURRENCY?)",
        "unknown flag --map.concurency: this service has no key 'map.concurency' (did you mean --map.concurrency?)",
        "unknown flag --edge.bogus: this service has no key 'edge.bogus' (see --help)"), s.problems());
  }

  @Test
  void whatNoServiceReadsInTheEnvironmentOrTheFileIsAWarningWithASuggestion() throws Exception {
    Settings s = load("sorce:\n  rate: 5\n", Map.of("FLOWMESH_SORCE_RATE", "5", "FLOWMESH_SINK_PAHT", "/x",
        "FLOWMESH_NOTHING_LIKE_IT", "1", "HOME_NOT_OURS", "1"));
    s.check();
    assertEquals(List.of(
        "'sorce.rate' in " + dir.resolve("c.yaml") + " (did you mean source.rate?)",
        "FLOWMESH_NOTHING_LIKE_IT",
        "FLOWMESH_SINK_PAHT (did you mean FLOWMESH_SINK_PATH?)",
        "FLOWMESH_SORCE_RATE (did you mean FLOWMESH_SOURCE_RATE?)"), s.unread());
    assertEquals(List.of(), s.ignored());
  }

  @Test
  void aFlagInAnotherServicesNamespaceThatItDoesNotHaveWarnsWhileOneInNoKnownNamespaceIsAnError() throws Exception {
    Settings s = load(null, Map.of(), "--sink.pahth=/x", "--sorce.rate=5");
    assertEquals(List.of("--sink.pahth (did you mean --sink.path?)"), s.unread());
    assertEquals(List.of("unknown flag --sorce.rate: no Flowmesh service has a key 'sorce.rate' (did you mean --source.rate?)"),
        s.problems());
  }

  @Test
  void suggestionsAreTheClosestKeyWithinTwoEdits() {
    KeyCatalog c = new KeyCatalog(Set.of("map.concurrency"), NS, OTHERS);
    assertEquals("FLOWMESH_SOURCE_RATE", c.suggestEnv("FLOWMESH_SORCE_RATE"));
    assertEquals("sink.path", c.suggestKey("sink.pat"));
    assertNull(c.suggestKey("sink.xxxxx"), "three edits away is no suggestion");
    assertEquals(3, KeyCatalog.distance("kitten", "sitting", 5));
    assertEquals(3, KeyCatalog.distance("abc", "abcdefgh", 2), "stops early above the limit");
  }
}
