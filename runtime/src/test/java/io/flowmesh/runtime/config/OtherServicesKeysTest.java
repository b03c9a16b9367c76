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
 * Environment and file, which several services may share, treat a key alike: this service's is
 * used, another service's is ignored, an unknown one in an owned namespace is an error, what no
 * service reads is a warning. A flag is addressed to this process: anything but this service's key
 * is an error there, naming the service that reads it.
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
  void anotherServicesKeyIsIgnoredAsAnEnvironmentVariableOrAFileKey() throws Exception {
    Settings s = load("sink:\n  type: file\n", Map.of("FLOWMESH_SINK_PATH", "/tmp/x"), "--map.concurrency=7");
    s.check();
    assertEquals(7, s.get(SettingsTest.CONCURRENCY));
    assertEquals(List.of("'sink.type' in " + dir.resolve("c.yaml"), "FLOWMESH_SINK_PATH"), s.ignored());
    assertEquals(List.of(), s.unread());
  }

  @Test
  void anotherServicesKeyAsAFlagIsRefusedWhileItsFileKeyAndVariableAreNot() throws Exception {
    Settings s = load("sink:\n  type: file\n", Map.of("FLOWMESH_SINK_PATH", "/tmp/x"), "--source.http.port=9", "--map.concurrency=7");
    assertEquals(List.of("--source.http.port is another service's key; this service does not read it"), s.problems());
    assertEquals(7, s.get(SettingsTest.CONCURRENCY), "this service's flags still count");
    assertEquals(List.of("'sink.type' in " + dir.resolve("c.yaml"), "FLOWMESH_SINK_PATH"), s.ignored());
  }

  @Test
  void anotherServicesFlagIsRefusedNamingTheServiceThatReadsItAndThisOne() {
    Map<String, String> readers = Map.of("source.rate", "source-service", "sink.retry-backoff", "sink-service",
        "sink.kafka.client.", "sink-service");
    Settings s = Settings.load(KEYS, NS, "map-service", readers, new String[] {"--sink.retry-backoff=1s", "--source.rate=5",
        "--sink.kafka.client.acks=all"}, Map.of());
    assertEquals(List.of("--sink.retry-backoff is a sink-service key; this is map-service",
        "--source.rate is a source-service key; this is map-service",
        "--sink.kafka.client.acks is a sink-service key; this is map-service"), s.problems());
  }

  @Test
  void otherServicesKeysInTheEnvironmentAndTheFileAreListedByTheServiceThatReadsThem() throws Exception {
    Path file = dir.resolve("all.yaml");
    Files.writeString(file, "sink:\n  retry-backoff: 1s\nsource:\n  rate: 5\n");
    Map<String, String> readers = Map.of("source.rate", "source-service", "sink.retry-backoff", "sink-service",
        "sink.kafka.client.", "sink-service");
    Settings s = Settings.load(KEYS, NS, "map-service", readers, new String[] {"--config", file.toString()},
        Map.of("FLOWMESH_SINK_KAFKA_CLIENT_ACKS", "all", "FLOWMESH_SOURCE_RATE", "9"));
    assertEquals(List.of(), s.problems());
    assertEquals(Map.of("sink-service", List.of("'sink.retry-backoff' in " + file, "FLOWMESH_SINK_KAFKA_CLIENT_ACKS"),
        "source-service", List.of("'source.rate' in " + file, "FLOWMESH_SOURCE_RATE")), s.ignoredByReader());
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
  void aFlagThatNoServiceHasIsAnErrorInAnotherServicesNamespaceToo() throws Exception {
    Settings s = load(null, Map.of(), "--sink.pahth=/x", "--sorce.rate=5");
    assertEquals(List.of("unknown flag --sink.pahth: no Flowmesh service has a key 'sink.pahth' (did you mean --sink.path?)",
        "unknown flag --sorce.rate: no Flowmesh service has a key 'sorce.rate' (did you mean --source.rate?)"), s.problems());
    assertEquals(List.of(), s.unread());
    Settings named = Settings.load(KEYS, NS, "map-service", Map.of("sink.path", "sink-service"), new String[] {"--sink.pahth=/x"},
        Map.of());
    assertEquals(List.of("unknown flag --sink.pahth: no Flowmesh service has a key 'sink.pahth'"
        + " (did you mean --sink.path, a sink-service key?)"), named.problems());
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
