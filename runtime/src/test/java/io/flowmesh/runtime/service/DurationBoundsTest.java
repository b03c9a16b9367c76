package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The common duration keys that end up as int milliseconds (Vert.x's idle timeout) or are shifted
 * as a backoff: bounded when the config is read, so a huge value is refused instead of wrapping and
 * zero is refused instead of becoming a 1 ms timeout.
 */
class DurationBoundsTest {

  private static Settings load(String... args) {
    List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.keys());
    keys.add(CommonKeys.vertexName("map"));
    return Settings.load(keys, CommonKeys.NAMESPACES, args, Map.of());
  }

  private static List<String> problems(String... args) {
    Settings s = load(args);
    Common.from(s, "map");
    return s.problems();
  }

  @Test
  void anIdleTimeoutOutsideOneSecondToADayIsRefusedNamingTheRangeAtConfigTime() {
    for (String bad : List.of("0", "500ms", "600h", "9999999999h")) {
      assertEquals(List.of("http.idle-timeout='" + bad + "' (from --http.idle-timeout): allowed is a duration from 1s to 24h "
          + "(a number and a unit: us, ms, s, m, h)"), problems("--http.idle-timeout=" + bad), bad);
    }
  }

  @Test
  void anIdleTimeoutFromOneSecondToADayIsTakenAsGiven() throws ConfigException {
    for (String good : List.of("1s", "30s", "24h")) {
      Settings s = load("--http.idle-timeout=" + good);
      assertEquals(Types.DURATION.parse(good), Common.from(s, "map").httpIdleTimeout());
      s.check();
    }
  }

  @Test
  void reconnectDelaysOutsideTheirRangesAreRefusedInsteadOfOverflowingTheBackoffShift() {
    assertEquals(List.of("edge.reconnect-initial='0' (from --edge.reconnect-initial): allowed is a duration from 1ms to 1m "
        + "(a number and a unit: us, ms, s, m, h)"), problems("--edge.reconnect-initial=0"));
    assertEquals(List.of("edge.reconnect-max='9999999999h' (from --edge.reconnect-max): allowed is a duration from 1ms to 10m "
        + "(a number and a unit: us, ms, s, m, h)"), problems("--edge.reconnect-max=9999999999h"));
  }

  @Test
  void theHttpServerRefusesAnIdleTimeoutVertxCannotHoldRatherThanWrappingIt() {
    Vertx vertx = Vertx.vertx();
    try {
      HttpEndpoints http = new HttpEndpoints(vertx, "map", "map", MetricsRegistry.create("map", "map"), Map.of(), () -> null, null);
      for (Duration bad : List.of(Duration.ZERO, Duration.ofHours(600))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> http.listen(http.router(), "127.0.0.1", 0, bad));
        assertEquals("http.idle-timeout out of range: " + bad, e.getMessage());
      }
    } finally {
      vertx.close();
    }
  }
}
