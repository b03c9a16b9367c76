package io.flowmesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefix key ({@code map.client.}) takes any property under it from the file, the environment
 * and flags alike, refuses the reserved ones naming what to use instead, and masks secrets.
 */
class PrefixKeysTest {

  static final ConfigKey<String> CLIENT = ConfigKey.prefix("map.client.", "any client property",
      Map.of("group.id", "use map.group", "bootstrap.servers", "use map.servers"));
  static final ConfigKey<String> TLS_KEY = ConfigKey.of("map.tls.key", null, Types.STRING, "a key file");
  static final List<ConfigKey<?>> KEYS;

  static {
    List<ConfigKey<?>> all = new ArrayList<>(SettingsTest.KEYS);
    all.add(CLIENT);
    all.add(TLS_KEY);
    KEYS = List.copyOf(all);
  }

  static final Set<String> OTHERS = Set.of("sink.path", "sink.client.", "source.rate");

  @TempDir
  Path dir;

  private Settings load(String yaml, Map<String, String> env, String... flags) throws Exception {
    List<String> args = new ArrayList<>();
    if (yaml != null) {
      Path file = dir.resolve("c.yaml");
      Files.writeString(file, yaml);
      args.add("--config");
      args.add(file.toString());
    }
    args.addAll(List.of(flags));
    return Settings.load(KEYS, SettingsTest.NS, OTHERS, args.toArray(String[]::new), env);
  }

  @Test
  void propertiesComeFromTheFileTheEnvironmentAndFlagsEachPropertyWithTheUsualPrecedence() throws Exception {
    Settings s = load("map:\n  client:\n    security.protocol: SASL_SSL\n    sasl:\n      mechanism: SCRAM-SHA-512\n"
            + "    client.id: from-file\n    Odd_Plugin-Name: X\n",
        Map.of("FLOWMESH_MAP_CLIENT_CLIENT_ID", "from-env", "FLOWMESH_MAP_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/ts.p12",
            "FLOWMESH_MAP_CLIENT_SASL_MECHANISM", "PLAIN"),
        "--map.client.client.id=from-flag", "--map.client.linger.ms", "5");
    s.check();
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "client.id", "from-flag",
        "Odd_Plugin-Name", "X", "ssl.truststore.location", "/etc/ts.p12", "linger.ms", "5"), s.prefixed(CLIENT));
    assertEquals("from-flag", s.effective().get("map.client.client.id"), "the full key, as /status shows it");
    assertEquals(Map.of("client.id", "from-env"), load(null, Map.of("FLOWMESH_MAP_CLIENT_CLIENT_ID", "from-env")).prefixed(CLIENT),
        "the environment names the property in upper case with _ for each dot");
    assertEquals(Map.of(), load(null, Map.of()).prefixed(CLIENT));
  }

  @Test
  void aReservedPropertyIsRefusedInEveryLayerNamingTheKeyAndWhatToUseInstead() throws Exception {
    Settings s = load("map:\n  client:\n    bootstrap.servers: a:1\n", Map.of("FLOWMESH_MAP_CLIENT_GROUP_ID", "g"),
        "--map.client.client.id=c");
    assertEquals(Map.of("client.id", "c"), s.prefixed(CLIENT), "the reserved ones are left out");
    assertEquals(List.of(
        "map.client.bootstrap.servers='a:1' (from the config file): Flowmesh sets bootstrap.servers itself; use map.servers",
        "map.client.group.id='g' (from FLOWMESH_MAP_CLIENT_GROUP_ID): Flowmesh sets group.id itself; use map.group"), s.problems());
    Settings flag = load(null, Map.of(), "--map.client.group.id=g");
    assertEquals(Map.of(), flag.prefixed(CLIENT));
    ConfigException e = assertThrows(ConfigException.class, flag::check);
    assertEquals(List.of("map.client.group.id='g' (from --map.client.group.id): Flowmesh sets group.id itself; use map.group"),
        e.problems());
  }

  @Test
  void aPrefixWithoutAPropertyNameIsAProblem() throws Exception {
    assertEquals(List.of("map.client. needs a property name after it, e.g. map.client.client.id"),
        load(null, Map.of(), "--map.client.=x").problems());
  }

  @Test
  void secretValuesAreMaskedInTheEffectiveConfigInProblemsAndWhenTheMapIsPrinted() throws Exception {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";";
    Settings s = load(null, Map.of("FLOWMESH_MAP_CLIENT_SSL_KEY_PASSWORD", "pw1"),
        "--map.client.sasl.jaas.config=" + jaas, "--map.client.ssl.keystore.key=-----BEGIN PRIVATE KEY-----",
        "--map.client.sasl.oauthbearer.client.credentials.client.secret=s3", "--map.client.client.id=visible",
        "--map.tls.key=/etc/flowmesh/tls.key", "--map.client.group.id=hunter2-group");
    Map<String, String> shown = s.effective();
    for (String secret : List.of("sasl.jaas.config", "ssl.keystore.key", "ssl.key.password", "sasl.oauthbearer.client.credentials.client.secret")) {
      assertEquals("***", shown.get("map.client." + secret), secret);
    }
    assertEquals("visible", shown.get("map.client.client.id"));
    assertEquals("/etc/flowmesh/tls.key", shown.get("map.tls.key"), "Flowmesh's own *.tls.key names a file: shown");
    Map<String, String> client = s.prefixed(CLIENT);
    assertEquals(jaas, client.get("sasl.jaas.config"), "the client gets the real value");
    assertFalse(client.toString().contains("hunter2"), client.toString());
    assertFalse(client.toString().contains("pw1"), client.toString());
    assertTrue(client.toString().contains("client.id=visible"), client.toString());
    assertThrows(UnsupportedOperationException.class, () -> client.put("x", "y"));
  }

  @Test
  void anotherServicesPrefixedPropertiesAreIgnoredInTheFileAndTheEnvironmentAndRefusedAsFlags() throws Exception {
    Settings s = load("sink:\n  client:\n    acks: all\n", Map.of("FLOWMESH_SINK_CLIENT_LINGER_MS", "5"), "--sink.client.client.id=x");
    assertEquals(List.of("--sink.client.client.id is another service's key; this service does not read it"), s.problems());
    assertEquals(List.of("'sink.client.acks' in " + dir.resolve("c.yaml"), "FLOWMESH_SINK_CLIENT_LINGER_MS"), s.ignored());
    assertEquals(List.of(), s.unread());
  }

  @Test
  void theReferenceListsThePrefixKeyWithItsEnvironmentFormAndReservedProperties() {
    String table = KeyReference.markdown(List.of(CLIENT));
    assertTrue(table.contains("| `map.client.*` | (unset) | `FLOWMESH_MAP_CLIENT_*` | any text | any client property. Refused, as "
        + "Flowmesh sets them: bootstrap.servers (use map.servers), group.id (use map.group) |"), table);
    assertTrue(KeyReference.help(List.of(CLIENT)).contains("FLOWMESH_MAP_CLIENT_* (lower case, _ read as .)"));
    assertEquals("map.client.sasl.mechanism", CLIENT.keyOfEnv("FLOWMESH_MAP_CLIENT_SASL_MECHANISM"));
    assertNull(CLIENT.keyOfEnv("FLOWMESH_MAP_CLIENT_"));
    assertNull(CLIENT.keyOfEnv("FLOWMESH_MAP_CONCURRENCY"));
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.of("map.client.", null, Types.STRING, "x"));
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.prefix("map.client", "x", Map.of()));
  }
}
