package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdfKeysTest {

  private static final UdfKeys SOURCE = UdfKeys.under("source.udsource")
      .defaultAddress("unix:///var/run/numaflow/source.sock").build();

  private static Settings load(UdfKeys keys, String... flags) {
    return Settings.load(keys.all(), Set.of(keys.prefix().split("\\.")[0]), flags, Map.of());
  }

  @Test
  void everyKeyIsUnderThePrefixWithTheTransportsDefaults() {
    List<String> names = SOURCE.all().stream().map(ConfigKey::name).toList();
    assertEquals(List.of("source.udsource.address", "source.udsource.timeout", "source.udsource.stall-timeout",
        "source.udsource.max-message-size", "source.udsource.reconnect.initial-backoff",
        "source.udsource.reconnect.max-backoff", "source.udsource.server-info-file",
        "source.udsource.server-info-timeout", "source.udsource.tls.enabled", "source.udsource.tls.ca",
        "source.udsource.tls.cert", "source.udsource.tls.key", "source.udsource.tls.verify-host"), names);
    assertEquals("unix:///var/run/numaflow/source.sock", SOURCE.address().defaultValue());
    assertTrue(SOURCE.tlsKey().description().contains("source.udsource.tls.cert"), SOURCE.tlsKey().description());
  }

  @Test
  void aConnectionIsReadFromItsKeys() throws Exception {
    Settings s = load(SOURCE, "--source.udsource.address=tcp://127.0.0.1:7777", "--source.udsource.timeout=2s",
        "--source.udsource.max-message-size=1MiB", "--source.udsource.server-info-file=/tmp/sourcer-server-info");
    UdfConnection c = SOURCE.read(s);
    s.check();
    assertEquals("source.udsource", c.keys());
    assertEquals("tcp://127.0.0.1:7777", c.address());
    assertEquals(Duration.ofSeconds(2), c.timeout());
    assertEquals(1 << 20, c.maxMessageSize());
    assertEquals("/tmp/sourcer-server-info", c.serverInfoFile());
    assertEquals(Duration.ofSeconds(10), c.reconnectMaxBackoff());
    assertEquals(List.of(), c.validate());
  }

  @Test
  void eachBadValueIsReportedAgainstItsOwnPrefixedKey() {
    Settings s = load(SOURCE, "--source.udsource.address=http://x", "--source.udsource.stall-timeout=0s",
        "--source.udsource.max-message-size=10", "--source.udsource.reconnect.initial-backoff=1m",
        "--source.udsource.reconnect.max-backoff=1s");
    SOURCE.read(s);
    List<String> problems = s.problems();
    for (String key : List.of("source.udsource.address", "source.udsource.stall-timeout",
        "source.udsource.max-message-size", "source.udsource.reconnect.max-backoff")) {
      assertEquals(1, problems.stream().filter(p -> p.startsWith(key + "=")).count(), key + " in " + problems);
    }
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("http://x") && p.contains("unknown scheme")), problems.toString());
  }

  @Test
  void describeReplacesAGenericDescription() {
    UdfKeys map = UdfKeys.under("udf").describe("timeout", "per-request timeout").build();
    assertEquals("per-request timeout", map.timeout().description());
    assertEquals("udf.timeout", map.timeout().name());
    assertEquals("30s", map.timeout().defaultValue());
  }

  @Test
  void aPrefixEndingInADotIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UdfKeys.under("sink."));
    assertTrue(e.getMessage().contains("'sink.'"), e.getMessage());
  }
}
