package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.edge.EdgeOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code edge.ack-delay} read into {@link EdgeOptions}: its default, zero, and what is refused. */
class EdgeOptionsKeysTest {

  private static Settings load(String... args) {
    return Settings.load(CommonKeys.keys(), Set.of("edge", "tls", "http", "vertx", "log", "shutdown", "bind"), args, Map.of());
  }

  @Test
  void ackDelayDefaultsToOneMillisecondAndZeroTurnsItOff() throws ConfigException {
    Settings defaults = load();
    assertEquals(Duration.ofMillis(1), CommonKeys.edgeOptions(defaults).ackDelay());
    defaults.check();
    Settings off = load("--edge.ack-delay=0s");
    assertEquals(Duration.ZERO, CommonKeys.edgeOptions(off).ackDelay());
    off.check();
  }

  @Test
  void anAckDelayBelowAMillisecondOrAboveASecondIsRefusedNamingTheRange() {
    Map<String, String> bad = Map.of(
        "500us", "edge.ack-delay='500us' (from --edge.ack-delay): allowed is 0 or 1ms to 1s "
            + "(acks held longer keep the upstream's messages unacked for nothing)",
        "2s", "edge.ack-delay='2s' (from --edge.ack-delay): allowed is a duration from 0s to 1s "
            + "(a number and a unit: us, ms, s, m, h)");
    bad.forEach((value, problem) -> {
      Settings s = load("--edge.ack-delay=" + value);
      assertEquals(Duration.ofMillis(1), CommonKeys.edgeOptions(s).ackDelay(), "the default stands in for " + value);
      ConfigException e = assertThrows(ConfigException.class, s::check);
      assertEquals(List.of(problem), e.problems());
    });
  }

  @Test
  void anAckDelayThatIsNotWholeMillisecondsIsRefusedNamingTheTwoNearest() throws ConfigException {
    Settings s = load("--edge.ack-delay=1500us");
    assertEquals(Duration.ofMillis(1), CommonKeys.edgeOptions(s).ackDelay(), "what the timer would have held");
    ConfigException e = assertThrows(ConfigException.class, s::check);
    assertEquals(List.of("edge.ack-delay='1500us' (from --edge.ack-delay): allowed are whole milliseconds (the flush timer "
        + "counts milliseconds): 1ms or 2ms"), e.problems());
    Settings two = load("--edge.ack-delay=2000us"); // 2 ms, written in microseconds
    assertEquals(Duration.ofMillis(2), CommonKeys.edgeOptions(two).ackDelay());
    two.check();
  }

  @Test
  void edgeOptionsRefuseAnAckDelayBetweenZeroAndAMillisecond() {
    assertThrows(IllegalArgumentException.class, () -> EdgeOptions.defaults().withAckDelay(Duration.ofNanos(500_000)));
    assertEquals(Duration.ZERO, EdgeOptions.defaults().withAckDelay(Duration.ZERO).ackDelay());
  }
}
